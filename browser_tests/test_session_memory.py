"""A whole course in one JupyterLab session, as a learner goes through it: each chapter opened, run, its tab closed.

The kernels' memory is measured as proportional set size (PSS: pages shared between processes counted once), every
half second while a chapter runs, summed over every kernel alive, with the server's own. The table goes to
`test-artifacts/browser/session_memory.md`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import psutil
from lab import KERNEL_START_TIMEOUT_S, close_current_tab, open_notebook, poll, run_all_cells
from playwright.sync_api import Page

from ragft.course.chapters import CHAPTERS

LIMIT_MB = 2048  # Binder's and a 2 GB class hub's limit for the whole container
MB = 1024 * 1024


def pss_mb(processes: list[psutil.Process]) -> float:
    """The processes' total proportional set size in MB (those that have exited count 0)."""
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total / MB


class MemorySampler:
    """Samples the server's and its kernels' PSS in a background thread; remembers the peak."""

    def __init__(self, server_pid: int, every_s: float = 0.5):
        self.server, self.every_s = psutil.Process(server_pid), every_s
        self.peak_mb, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def kernels(self) -> list[psutil.Process]:
        return self.server.children(recursive=True)

    def now_mb(self) -> tuple[float, float]:
        """(the kernels' PSS, the server's PSS) now."""
        return pss_mb(self.kernels()), pss_mb([self.server])

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak_mb = max(self.peak_mb, sum(self.now_mb()))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def test_every_chapter_in_one_session_stays_within_2_gb(page: Page, server, artifacts: Path) -> None:
    rows = []
    with MemorySampler(server.pid) as sampler:
        for chapter in CHAPTERS:
            notebook = open_notebook(page, server.url_of(Path(chapter.notebook)))
            run_all_cells(page, notebook)
            kernels_mb, server_mb = sampler.now_mb()
            alive_before_close = len(server.running_kernels())
            close_current_tab(page)
            left = poll(server.running_kernels, lambda running: not running, KERNEL_START_TIMEOUT_S)
            rows.append((chapter.stem, alive_before_close, kernels_mb, server_mb, sampler.peak_mb, len(left)))
    table = ["| after chapter | kernels alive at its end | their PSS (MB) | server (MB) | peak so far, all (MB) | "
             "kernels left after its tab closed |", "|---|---:|---:|---:|---:|---:|"]
    table += [f"| {stem} | {alive} | {kernels:,.0f} | {srv:,.0f} | {peak:,.0f} | {left} |"
              for stem, alive, kernels, srv, peak, left in rows]
    (artifacts / "session_memory.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    print("\n".join(table))
    assert all(left == 0 for *_, left in rows), f"a closed chapter's kernel kept running:\n" + "\n".join(table)
    assert sampler.peak_mb <= LIMIT_MB, f"the session went over {LIMIT_MB} MB:\n" + "\n".join(table)
