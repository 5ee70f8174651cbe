"""Shared by the chapters' check tests: the solutions notebook's functions, and answers that must not pass."""

import types
from pathlib import Path

import nbformat

from ragft.course.build_notebooks import BEGIN
from ragft.course.checks import ERROR, NOT_ATTEMPTED, PASSED


def solution_functions(notebook: Path, checks_name: str, n_exercises: int, **names) -> dict:
    """Run the exercise cells of a solutions notebook and return what they define.

    The cells' calls of the checks (`ch03.exercise_1(...)`) hit a stand-in that only says "not passed", so only
    the definitions run; `names` are the notebook's imports the cells use (e.g. `np=numpy`).
    """
    not_run = types.SimpleNamespace(passed=False)
    stand_in = types.SimpleNamespace(**{f"exercise_{i}": lambda *answer: not_run for i in range(1, n_exercises + 1)})
    namespace = {checks_name: stand_in, **names}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            exec(cell.source, namespace)
    return namespace


def not_attempted(*args, **kwargs):
    raise NotImplementedError("Exercise not attempted yet: replace this line with your code.")


def crashes(*args, **kwargs):
    return {}["oops"]


def assert_the_solution_passes(check, solution, capsys) -> None:
    verdict = check(solution)
    assert verdict.status == PASSED, verdict.message
    assert "correct" in capsys.readouterr().out


def assert_stub_and_crash_are_explained(check) -> None:
    assert check(not_attempted).status == NOT_ATTEMPTED
    verdict = check(crashes)
    assert verdict.status == ERROR and "KeyError" in verdict.message and "Traceback" not in verdict.message
