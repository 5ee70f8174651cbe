"""Scripts that make the course's artifacts (datasets, checkpoint, adapters): run them with `python -m`, never import them."""
