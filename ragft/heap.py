"""Give the memory a notebook cell freed back to the operating system, so a chapter's kernel shrinks again.

When a cell's tensors are freed (a model trained and deleted, a batch of activations), the C allocator (glibc's
malloc on Linux) keeps the pages for later reuse instead of returning them, above all in the per-thread arenas that
PyTorch's threads allocate in. A chapter's kernel then holds its peak to the end: measured at the end of chapters 01
and 04, about 600-690 MB, of which `malloc_trim` returns 200-250 MB. On a 2 GB Binder or class hub that is the
difference between one more open notebook or a killed kernel. So, imported in a notebook (IPython), `ragft` trims
after every cell; elsewhere call `release_free_memory()` after a big job.

A trim cannot return everything: glibc gives each thread that allocates an arena of its own (up to 8 per core), and
pages left between live blocks in many arenas stay. LanceDB's thread pool is the worst case: indexes of 10,000
vectors left a process 350 MB heavier after they were deleted and the heap trimmed; with at most `MALLOC_ARENAS`
arenas, 165 MB (with one, 130 MB, but chapter 01 ran up to 15% slower). So `ragft` sets that limit when imported,
before PyTorch or LanceDB start threads. An explicit MALLOC_ARENA_MAX wins. `benchmarks/kernel_memory.py` measures
a chapter's kernel cell by cell.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from functools import cache

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


@cache
def _glibc(name: str):
    """A function of glibc's allocator, or None where the C library has none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let the threads of this process share at most `arenas` malloc arenas; False where that is not possible or
    MALLOC_ARENA_MAX is set (then it is left as set). Arenas already in use stay."""
    mallopt = _glibc("mallopt")
    if mallopt is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return mallopt(_M_ARENA_MAX, arenas) == 1


def release_free_memory() -> bool:
    """Return the allocator's free pages to the operating system; False where that is not possible."""
    trim = _glibc("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


def trim_after_every_cell() -> bool:
    """In IPython (a notebook kernel), release free memory after every cell runs; True when registered."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    if shell is None or _glibc("malloc_trim") is None:
        return False
    callbacks = shell.events.callbacks["post_run_cell"]
    if not any(getattr(c, "__name__", "") == "_release_after_cell" for c in callbacks):
        shell.events.register("post_run_cell", _release_after_cell)
    return True


def _release_after_cell(result=None) -> None:
    release_free_memory()
