"""Where the course's files live, and their fingerprints. The package is installed editable, so the repository is its parent."""

import hashlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT / "datasets"
CHECKPOINTS_DIR = REPO_ROOT / "checkpoints"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file: a checkpoint records the corpus it was trained on, the adapters the checkpoint."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
