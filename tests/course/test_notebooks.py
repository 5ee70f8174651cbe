"""Notebooks are stored clean, exercises match their solutions, and a failing notebook fails the suite."""

import json
import subprocess
import sys
import textwrap
import types

import nbformat

from ragft.course.build_notebooks import NOTEBOOK_DIRS, SETUP_MARKER, make_exercises, out_of_date, setup_cell_source
from ragft.course.chapters import CHAPTERS
from ragft.paths import REPO_ROOT

ALL_NOTEBOOKS = sorted(p for folder in NOTEBOOK_DIRS for p in (REPO_ROOT / folder).glob("*.ipynb"))


def test_there_are_notebooks_in_each_folder():
    for folder in NOTEBOOK_DIRS:
        assert list((REPO_ROOT / folder).glob("*.ipynb")), f"no notebook in {folder}/"


def test_notebooks_carry_no_outputs():
    for path in ALL_NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, f"{path.name} has outputs: strip them"


def test_generated_files_are_up_to_date():
    # Exercise notebooks are generated from solutions; the README table from ragft.course.chapters.
    stale = out_of_date()
    assert not stale, f"out of date: {[str(p.relative_to(REPO_ROOT)) for p in stale]}; run python -m ragft.course.build_notebooks"


def test_every_chapter_has_exercises_and_solutions():
    stems = {c.stem for c in CHAPTERS}
    for path in (REPO_ROOT / "chapters").glob("*.ipynb"):
        assert path.stem in stems, f"{path.name} is not listed in ragft/course/chapters.py"
        chapter = next(c for c in CHAPTERS if c.stem == path.stem)
        assert (REPO_ROOT / chapter.solutions).exists() and (REPO_ROOT / chapter.exercises).exists()


def test_exercise_generation_stubs_code_and_markdown_answers():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def f(x):\n    # Hint: add one\n    ### BEGIN SOLUTION\n    y = x\n    return y + 1\n    ### END SOLUTION\n\ncheck(f)"),
        nbformat.v4.new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
    ])
    exercises = make_exercises(nb)
    code, markdown = exercises.cells[0].source, exercises.cells[1].source
    assert "return y + 1" not in code and "check(f)" in code
    assert "raise NotImplementedError('Exercise not attempted yet: replace this line with your code. Hint: add one')" in code
    namespace = {}
    exec(code.replace("check(f)", ""), namespace)  # the stub is valid Python
    assert "Because" not in markdown and "*Write your answer here.*" in markdown


def test_setup_cell_is_first_and_does_nothing_outside_colab(monkeypatch):
    for path in ALL_NOTEBOOKS:
        assert json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"][0].startswith(SETUP_MARKER)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(setup_cell_source(), {})
    assert calls == []


def _run_setup_cell_on_fake_colab(monkeypatch, tmp_path, ipywidgets_version):
    """Run the set-up cell as Colab would (a stand-in google.colab); return the commands and widget-manager calls."""
    from ragft.course.chapters import REPO_REF, REPO_SLUG

    course, calls, managers = tmp_path / "course", [], []

    def run(command, check):
        assert check, "a failed clone or install must stop the cell"
        calls.append(command)
        if command[0] == "git":
            course.mkdir()

    colab, output = types.ModuleType("google.colab"), types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: managers.append("enabled")
    colab.output = output
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr("importlib.metadata.version", lambda name: ipywidgets_version)
    exec(setup_cell_source().replace("/content/course", str(course)), {})
    assert calls[0] == ["git", "clone", "--depth", "1", "--branch", REPO_REF, f"https://github.com/{REPO_SLUG}.git",
                        str(course)]
    assert sys.path[0] == str(course)
    return calls, managers


def test_on_colab_the_setup_cell_clones_then_runs_the_install_script(monkeypatch, tmp_path):
    calls, managers = _run_setup_cell_on_fake_colab(monkeypatch, tmp_path, "7.7.1")
    assert calls[1] == [sys.executable, str(tmp_path / "course" / "ragft" / "course" / "colab_install.py"), str(tmp_path / "course")]
    assert (REPO_ROOT / "ragft" / "course" / "colab_install.py").is_file()
    assert managers == []  # Colab renders ipywidgets 7 with its own manager


def test_on_colab_with_ipywidgets_8_the_setup_cell_enables_colab_custom_widget_manager(monkeypatch, tmp_path):
    _, managers = _run_setup_cell_on_fake_colab(monkeypatch, tmp_path, "8.1.9")
    assert managers == ["enabled"]


def test_a_notebook_with_an_error_fails_the_suite(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(nb, tmp_path / "broken.ipynb")
    run = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
                          "-q", "--rootdir", str(tmp_path), str(tmp_path / "broken.ipynb")],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "ZeroDivisionError" in run.stdout and "1 failed" in run.stdout, textwrap.shorten(run.stdout, 500)


def test_every_readme_badge_opens_a_notebook_that_exists():
    import re
    from urllib.parse import unquote

    from ragft.course.chapters import REPO_REF, REPO_SLUG

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    colab = re.findall(rf"https://colab\.research\.google\.com/github/{REPO_SLUG}/blob/{REPO_REF}/([^)\s]+)", readme)
    binder = [unquote(p) for p in re.findall(rf"https://mybinder\.org/v2/gh/{REPO_SLUG}/{REPO_REF}\?labpath=([^)\s]+)", readme)]
    landed = [c.notebook for c in CHAPTERS if (REPO_ROOT / c.notebook).exists()]
    assert sorted(colab) == sorted(binder) == sorted(landed), "one Colab and one Binder badge per chapter notebook"
    assert all((REPO_ROOT / path).is_file() for path in colab + binder)
    assert readme.count("colab.research.google.com/github/") == len(colab)  # no badge with another slug or ref
