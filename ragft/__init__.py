"""ragft: the support package of the course "RAG or fine-tuning?".

Chapters build each piece step by step; the finished pieces that later chapters reuse live here.
"""

from ragft.heap import limit_malloc_arenas, trim_after_every_cell

limit_malloc_arenas()  # first, before PyTorch's and LanceDB's threads allocate: see ragft/heap.py

from ragft.paths import CHECKPOINTS_DIR, DATASETS_DIR, REPO_ROOT  # noqa: E402
from ragft.seed import set_seed  # noqa: E402
from ragft.threads import apply_thread_policy  # noqa: E402

THREADS = apply_thread_policy()  # as many threads as the CPUs this process may use: see ragft/threads.py
trim_after_every_cell()  # in a notebook, the memory a cell freed goes back to the system: see ragft/heap.py

__version__ = "0.1.0"
__all__ = ["CHECKPOINTS_DIR", "DATASETS_DIR", "REPO_ROOT", "THREADS", "set_seed", "__version__"]
