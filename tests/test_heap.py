"""Freed memory goes back to the operating system: on demand, and after every cell in a notebook kernel."""

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
