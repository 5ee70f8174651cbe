"""Run notebooks in fresh kernels and report each one's wall time and peak memory.

    python benchmarks/run_notebooks.py                 # every notebook
    python benchmarks/run_notebooks.py chapters/01*    # some of them

Kernels run offline, as in the tests. Peak memory is the kernel's resident set size (with its child processes),
sampled every 50 ms. The table is printed and written to benchmarks/results/notebooks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
TARGET_SECONDS, TARGET_MB = 90, 1536


class PeakMemory(threading.Thread):
    """Samples the resident memory of a process tree until stopped; `peak_mb` is the largest sample.

    With `limit_mb` it is a watchdog too: it kills the tree as soon as a sample exceeds the limit.
    """

    def __init__(self, pid: int, interval: float = 0.05, limit_mb: float | None = None):
        super().__init__(daemon=True)
        self.pid, self.interval, self.limit_mb, self.peak_mb, self._done = pid, interval, limit_mb, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                root = psutil.Process(self.pid)
                rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                self.peak_mb = max(self.peak_mb, rss / 2**20)
            except psutil.Error:
                pass
            if self.limit_mb is not None and self.peak_mb > self.limit_mb:
                kill_tree(self.pid)
            time.sleep(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        for process in [*root.children(recursive=True), root]:
            process.kill()
    except psutil.Error:
        pass


def run_notebook(path: Path, limit_mb: float | None = None) -> tuple[float, float, str]:
    """Execute one notebook in a fresh kernel; return (seconds, peak MB, error or ''). With `limit_mb`, a kernel
    that grows past it is killed (the notebook then fails with a dead kernel)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start, error = time.perf_counter(), ""
    with client.setup_kernel():
        monitor = PeakMemory(client.km.provisioner.process.pid, limit_mb=limit_mb)
        monitor.start()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except Exception as err:  # report and go on with the other notebooks
            error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"[:120]
        finally:
            monitor.stop()
    return time.perf_counter() - start, monitor.peak_mb, error


def main() -> int:
    parser = argparse.ArgumentParser(description="Time every notebook and measure its peak memory.")
    parser.add_argument("notebooks", nargs="*", help="notebook paths (default: chapters, solutions, exercises)")
    args = parser.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks] or [
        p for folder in ("chapters", "solutions", "exercises") for p in sorted((REPO / folder).glob("*.ipynb"))]
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests" / "offline_site"), os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("MPLBACKEND", "Agg")
    rows = ["| notebook | wall time (s) | peak memory (MB) | within target |", "|---|---:|---:|---|"]
    failed = False
    for path in paths:
        seconds, peak, error = run_notebook(path)
        ok = not error and seconds <= TARGET_SECONDS and peak <= TARGET_MB
        failed |= bool(error)
        rows.append(f"| {path.relative_to(REPO)} | {seconds:.1f} | {peak:.0f} | {'yes' if ok else 'NO ' + error} |")
        print(rows[-1], flush=True)
    table = "\n".join(rows)
    header = f"Targets: ≤ {TARGET_SECONDS} s and ≤ {TARGET_MB} MB per notebook; {os.cpu_count()} CPU cores.\n\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "notebooks.md").write_text(header + table + "\n", encoding="utf-8")
    print("\n" + header + table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
