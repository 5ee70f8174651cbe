"""The seed helper makes runs repeatable; the environment check names problems and their fixes."""

import random

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
