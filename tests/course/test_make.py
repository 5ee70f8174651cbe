"""The Makefile's install step: from the package index, or from a wheelhouse alone when one is present."""

import shutil
import subprocess

import pytest

from ragft.paths import REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _install_commands(tmp_path, wheelhouse) -> str:
    """The commands `make install` would run (make -n: nothing is run), for a new venv in tmp_path."""
    run = subprocess.run(["make", "-n", "-B", "install", f"VENV={tmp_path / 'venv'}", f"WHEELHOUSE={wheelhouse}"],
                         cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return run.stdout


def test_install_uses_the_index_without_a_wheelhouse(tmp_path):
    commands = _install_commands(tmp_path, tmp_path / "no-wheelhouse")
    assert "pip install  -r requirements.txt" in commands and "--no-index" not in commands


def test_install_uses_only_the_wheelhouse_when_it_holds_wheels(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    assert "--no-index" not in _install_commands(tmp_path, wheelhouse)  # an empty folder is no wheelhouse
    (wheelhouse / "example-1.0-py3-none-any.whl").write_bytes(b"")
    commands = _install_commands(tmp_path, wheelhouse)
    flags = f"--no-index --find-links {wheelhouse}"
    assert f"pip install {flags} -r requirements.txt" in commands and f"pip install {flags} --no-deps -e ." in commands
