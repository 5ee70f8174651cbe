"""The notebooks' measured run times, one source for every place that quotes them.

`make bench` (benchmarks/run_notebooks.py) writes `benchmarks/results/notebooks.json`: per notebook, seconds in a
fresh kernel quiet, on one CPU, beside a busy process, and peak memory, with the machine, date and commit. The
README's chapter table, each chapter's time line and INSTRUCTORS.md's table are generated from it by
`python -m ragft.course.build_notebooks`, so no run time is typed by hand. So do the README's first-start and
Binder-build sentences, from `benchmarks/results/first_start.json` (`python benchmarks/first_start.py --binder`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ragft.paths import REPO_ROOT

RESULTS_FILE = REPO_ROOT / "benchmarks" / "results" / "notebooks.json"
FIRST_START_FILE = REPO_ROOT / "benchmarks" / "results" / "first_start.json"


@dataclass(frozen=True)
class Timings:
    """The benchmark's figures: {notebook path: {condition or "peak_mb": value}}, and where they were measured."""

    machine: str
    measured: str  # ISO date
    commit: str
    notebooks: dict[str, dict[str, float]]

    @classmethod
    def load(cls, path: Path = RESULTS_FILE) -> Timings | None:
        """The committed figures, or None when no benchmark has been recorded."""
        if not path.exists():
            return None
        saved = json.loads(path.read_text(encoding="utf-8"))
        return cls(saved["machine"], saved["measured"], saved["commit"], saved["notebooks"])

    def seconds(self, notebook: str, condition: str = "quiet") -> float | None:
        return self.notebooks.get(notebook, {}).get(condition)

    def peak_mb(self, notebook: str) -> float | None:
        return self.notebooks.get(notebook, {}).get("peak_mb")

    def run_all(self, notebook: str) -> str:
        """How long Run All takes, in words for a chapter's time line: "Run All takes 41 s on a quiet 2-core machine"."""
        seconds = self.seconds(notebook)
        if seconds is None:
            return "Run All has not been timed yet (`make bench`)"
        return f"Run All takes {seconds:.0f} s on a quiet 2-core machine (`make bench`, {self.measured})"

    def cell(self, notebook: str) -> str:
        """A table cell: "41 s / 612 MB", or "not measured"."""
        seconds, peak = self.seconds(notebook), self.peak_mb(notebook)
        return "not measured" if seconds is None else f"{seconds:.0f} s / {peak:,.0f} MB"


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} minutes"


def first_start_text(path: Path = FIRST_START_FILE) -> str:
    """The README's sentences on a first start and on Binder's build, from the committed measurement."""
    if not path.exists():
        return "The first start has not been measured yet (`python benchmarks/first_start.py --binder`)."
    saved = json.loads(path.read_text(encoding="utf-8"))
    make, where = saved["make"], f"`python benchmarks/first_start.py`, {saved['measured']}, {saved['machine']}"
    text = (f"The first `make lab` downloads about {make['downloaded_mb']:,} MB of packages (CPU PyTorch included), "
            f"{make['venv_mb']:,} MB once installed in `.venv`. Measured from a fresh clone with an empty pip cache: "
            f"`make install` took {_minutes(make['install_seconds'])} and JupyterLab answered "
            f"{_minutes(make['lab_seconds'])} after `make lab` started ({where}); a slower connection adds the "
            "download time.")
    binder = saved.get("binder")
    if binder:
        text += (f" Binder's build steps (`binder/postBuild` in a fresh environment) download about "
                 f"{binder['downloaded_mb']:,} MB and took {_minutes(binder['build_seconds'])} here, "
                 f"{binder['env_mb']:,} MB on disk; Binder builds once per commit and adds its own image build.")
    return text
