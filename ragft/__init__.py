"""ragft: the support package of the course "RAG or fine-tuning?".

Chapters build each piece step by step; the finished pieces that later chapters reuse live here.
"""

from ragft.paths import CHECKPOINTS_DIR, DATASETS_DIR, REPO_ROOT
from ragft.seed import set_seed

__version__ = "0.1.0"
__all__ = ["CHECKPOINTS_DIR", "DATASETS_DIR", "REPO_ROOT", "set_seed", "__version__"]
