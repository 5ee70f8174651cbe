"""The Colab install script: the tested pins from requirements.txt, Colab's own core held where it is."""

import runpy
import sys
from importlib import metadata

import pytest

from ragft.paths import REPO_ROOT

colab_install = runpy.run_path(str(REPO_ROOT / "ragft" / "course" / "colab_install.py"))  # run by path on Colab, as here


def test_pins_are_the_requirements_versions_of_the_tested_libraries():
    pinned = dict(line.split("==") for line in (REPO_ROOT / "requirements.txt").read_text().split() if "==" in line)
    pins = colab_install["pins"](REPO_ROOT / "requirements.txt")
    assert pins == [f"{name}=={pinned[name]}" for name in pinned if name in colab_install["TESTED"]]
    assert len(pins) == len(colab_install["TESTED"])


def test_a_library_missing_from_requirements_is_a_clear_error(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("transformers==5.23.0  # a comment\ntorch==2.13.0\n")
    with pytest.raises(SystemExit, match="pins no version of .*faiss-cpu.*tokenizers"):
        colab_install["pins"](requirements)


def test_the_runtime_core_is_held_at_the_installed_versions_and_never_installed(tmp_path):
    held = colab_install["kept"]()
    assert f"torch=={metadata.version('torch')}" in held and f"numpy=={metadata.version('numpy')}" in held
    assert all(line.split("==")[0] in colab_install["KEPT"] for line in held)
    assert colab_install["kept"](("no-such-package-here",)) == []
    command = colab_install["pip_install"](REPO_ROOT, tmp_path / "kept.txt")
    assert command[:7] == [sys.executable, "-m", "pip", "install", "-q", "-e", str(REPO_ROOT)]
    assert command[-2:] == ["-c", str(tmp_path / "kept.txt")]
    installed = [arg.split("==")[0] for arg in command[7:-2]]
    assert not set(installed) & set(colab_install["KEPT"]), "Colab's PyTorch, NumPy, widgets and Jupyter stay"
