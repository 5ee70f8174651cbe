"""Freed memory goes back to the operating system: on demand, and after every cell in a notebook kernel."""

import os
import subprocess
import sys
import textwrap

import pytest

from ragft.heap import release_free_memory

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          check=True).stdout.strip()


@linux_only
def test_freed_small_allocations_are_returned_to_the_system():
    # 200 MB in 2 kB blocks (malloc's heap, not mmap), then a block that keeps the heap's top in use: freeing the
    # 200 MB below it returns nothing to the system until the heap is trimmed.
    rss = _run("""
        import psutil
        from ragft.heap import release_free_memory
        rss = lambda: psutil.Process().memory_info().rss / 2**20
        blocks = [bytearray(2000) for _ in range(100_000)]
        pin = bytearray(2000)
        before = rss()
        del blocks
        freed = rss()
        assert release_free_memory()
        print(before, freed, rss())
    """)
    before, freed, trimmed = map(float, rss.split())
    assert freed > before - 50, "without a trim, glibc keeps the freed blocks (the test's premise)"
    assert trimmed < freed - 150, f"malloc_trim should return most of the 200 MB: {before:.0f} → {freed:.0f} → {trimmed:.0f} MB"


@linux_only
def test_a_notebook_kernel_trims_after_every_cell():
    out = _run("""
        from unittest import mock
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        import ragft, ragft.heap
        names = [c.__name__ for c in shell.events.callbacks["post_run_cell"]]
        ragft.heap.trim_after_every_cell()  # a second import or call registers nothing more
        again = [c.__name__ for c in shell.events.callbacks["post_run_cell"]]
        with mock.patch.object(ragft.heap, "release_free_memory") as release:
            shell.run_cell("x = 1")
        print(names.count("_release_after_cell"), again.count("_release_after_cell"), release.call_count)
    """)
    assert out.split() == ["1", "1", "1"]


def test_outside_a_notebook_nothing_is_registered_and_release_is_safe():
    from ragft.heap import trim_after_every_cell

    assert trim_after_every_cell() is False  # pytest is not IPython
    assert release_free_memory() in (True, False)


@linux_only
@pytest.mark.parametrize("env, most", [({}, 2), ({"MALLOC_ARENA_MAX": "4"}, 4), ({"MALLOC_ARENA_MAX": "0"}, 9)])
def test_threads_share_at_most_two_malloc_arenas_unless_malloc_arena_max_says(env, most):
    # Each new thread that allocates gets an arena of its own until the limit; glibc's malloc_info lists them.
    count = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import ctypes, tempfile, threading
        import ragft
        import numpy as np
        blocks, together = [], threading.Barrier(8)  # all eight alive at once: an exited thread's arena is reused
        threads = [threading.Thread(target=lambda: (blocks.append(np.ones(50_000)), together.wait())) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        libc = ctypes.CDLL("libc.so.6")
        libc.fopen.restype = ctypes.c_void_p
        with tempfile.NamedTemporaryFile(suffix=".xml") as out:
            stream = ctypes.c_void_p(libc.fopen(out.name.encode(), b"w"))
            libc.malloc_info(0, stream)
            libc.fclose(stream)
            print(open(out.name).read().count("<heap nr="))
    """)], capture_output=True, text=True, check=True, env={**os.environ, **env}).stdout
    assert int(count) == most, "MALLOC_ARENA_MAX=0 is glibc's default: a main arena and one per thread"
