"""Where the course's files live. The package is installed editable, so the repository is its parent."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT / "datasets"
CHECKPOINTS_DIR = REPO_ROOT / "checkpoints"
