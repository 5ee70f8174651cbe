"""The seed helper makes runs repeatable; the environment check names problems and their fixes."""

import random
import re
import sys

import numpy as np
import torch

from ragft import set_seed
from ragft.course.envcheck import environment_report, problems


def test_same_seed_same_numbers():
    set_seed(7)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(7)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    set_seed(8)
    assert np.random.rand() != first[1]


def test_environment_report_and_problems():
    report = environment_report()
    assert report["network"] == "blocked (tests)"
    assert report["packages"]["torch"].startswith("2.13.0")
    broken = dict(report, python_supported=False, memory_gb=1.0,
                  packages=dict(report["packages"], peft="missing"))
    found = " ".join(problems(broken))
    assert "Python" in found and "peft is missing" in found and "make install" in found and "memory" in found


def test_supported_pythons_come_from_requires_python_and_match_the_readme():
    from ragft.course.envcheck import supported_python
    from ragft.paths import REPO_ROOT

    low, high = supported_python()
    spec = re.search(r'^requires-python = "(.*)"', (REPO_ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert spec == f">={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"
    assert low <= sys.version_info[:2] <= high and environment_report()["python_supported"]
    quick_start = re.search(r"^On Linux or macOS with Python (.*)$", (REPO_ROOT / "README.md").read_text(), re.M)[1]
    assert f"{low[0]}.{low[1]}" in quick_start and f"{high[0]}.{high[1]}" in quick_start
    found = problems(dict(environment_report(), python="3.10.4", python_supported=False))
    assert f"use Python {low[0]}.{low[1]} to {high[0]}.{high[1]}" in " ".join(found)
