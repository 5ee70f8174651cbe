"""The wrong-answer harness (#22): every checked exercise of every chapter rejects a wrong value, `None` and code that
raises, each with a friendly message and no traceback, and accepts the solutions notebook's answer.

The exercises are found in the solutions notebooks themselves (each `chNN.exercise_N(answer, ...)` call), so a new
exercise is covered without editing this file; only its wrong value must be added to WRONG_VALUES.
"""

import math
import re
from collections import Counter

import nbformat
import numpy as np
import pytest
import torch

from ragft.course.checks import ERROR, FAILED, PASSED, ch00, ch01, ch02, ch03, ch04, ch05, ch06
from ragft.decide.matrix import BOTH, FINE_TUNING, PROMPTING, RAG, SCENARIOS, UseCase
from ragft.evaluate.citations import CitationChecker
from ragft.model.gpt import load_course_model
from ragft.paths import REPO_ROOT
from ragft.world.load import load_cases

from exercise_harness import solution_functions
from test_exercise_checks import CHAPTERS as CHECKED_CHAPTERS
from test_exercise_checks import WRONG_03, WRONG_04, WRONG_05, WRONG_06

CHECKS = {"00": ch00, "01": ch01, "02": ch02, "03": ch03, "04": ch04, "05": ch05, "06": ch06}
NAMES = {"00": {}, "01": {"math": math, "Counter": Counter, "np": np, "torch": torch},
         "02": {"CitationChecker": CitationChecker, "load_cases": load_cases}, "03": {"np": np, "math": math},
         "04": {"torch": torch}, "05": {"BOTH": BOTH, "FINE_TUNING": FINE_TUNING, "PROMPTING": PROMPTING, "RAG": RAG,
                                        "SCENARIOS": SCENARIOS, "UseCase": UseCase},
         "06": CHECKED_CHAPTERS["06"].names}
# A plausible wrong value per exercise of chapters 00-02 (chapters 03-06 reuse their check tests' first wrong answer).
WRONG_VALUES = {
    ("00", 1): lambda citation: citation[1:5],  # the year as a string
    ("00", 2): lambda: 15 - 2,  # a difference, not a ratio
    ("00", 3): lambda external, capability: RAG,  # the same approach everywhere
    ("01", 1): lambda p: math.log(p),  # the sign forgotten
    ("01", 2): lambda tokens, prev, nxt: tokens.count(nxt) / len(tokens),  # a unigram probability
    ("01", 3): lambda logits, t: np.exp(logits) / np.exp(logits).sum(),  # the temperature ignored
    ("01", 4): lambda model, prompt, n: prompt,  # nothing decoded
    ("01", 5): lambda vocab, positions, layers, d: layers * 12 * d * d,  # the blocks' weights only
    ("02", 1): lambda text: re.findall(r"\[\d{4}\] [A-Z]+ \d+", text),  # no slips, no canonical form
    ("02", 2): lambda verdicts: sum(v == "fabricated" for v in verdicts) / len(verdicts),
    ("02", 3): lambda records, threshold: [r.question_id for r in records if not r.correct],
    ("02", 4): lambda confidences, correct, n_bins: 0.0,
    ("02", 5): lambda: ("What is the neutral citation of Endicott v. Wragg?", "not a fact of the case"),
}
WRONG_VALUES |= {(ch, e): wrongs[0] for ch, table in (("03", WRONG_03), ("04", WRONG_04), ("05", WRONG_05), ("06", WRONG_06))
                 for e, wrongs in table.items()}


def _calls(chapter: str) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Exercise number -> (answer name, names of the further arguments) from the solutions notebook's check calls."""
    notebook = next((REPO_ROOT / "solutions").glob(f"{chapter}_*_solutions.ipynb"))
    calls = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        for number, args in re.findall(rf"ch{chapter}\.exercise_(\d+)\(([^)]*)\)", cell.source):
            answer, *more = [a.strip() for a in args.split(",")]
            calls[int(number)] = (answer, tuple(more))
    return calls


EXERCISES = [(ch, e) for ch in CHECKS for e in sorted(_calls(ch))]


@pytest.fixture(scope="module")
def model():
    return load_course_model()


def _returns_none(*args, **kwargs):
    pass  # the learner forgot `return`


def _raises(*args, **kwargs):
    return {}["a key that is not there"]


def _run(chapter, exercise, answer, model):
    _, further = _calls(chapter)[exercise]
    return getattr(CHECKS[chapter], f"exercise_{exercise}")(answer, *[model for _ in further])


def test_every_exercise_has_a_wrong_value():
    assert set(EXERCISES) == set(WRONG_VALUES)


@pytest.mark.parametrize("chapter, exercise", EXERCISES)
def test_wrong_none_and_raising_answers_are_rejected_kindly_and_the_solution_passes(chapter, exercise, model, capsys):
    answers = {"wrong value": WRONG_VALUES[chapter, exercise], "None": _returns_none, "raises": _raises}
    for kind, answer in answers.items():
        verdict = _run(chapter, exercise, answer, model)
        printed = capsys.readouterr().out
        assert verdict.status in (FAILED, ERROR), (kind, verdict.message)
        assert "Traceback" not in printed and "hint:" in verdict.message, (kind, verdict.message)
        if kind == "None":
            assert "returned nothing" in verdict.message, verdict.message
        if kind == "raises":
            assert verdict.status == ERROR and "of your code" in verdict.message, verdict.message
    names = solution_functions(next((REPO_ROOT / "solutions").glob(f"{chapter}_*_solutions.ipynb")), f"ch{chapter}",
                               max(_calls(chapter)), model=model, **NAMES[chapter])
    solution = _run(chapter, exercise, names[_calls(chapter)[exercise][0]], model)
    assert solution.status == PASSED, solution.message


FOLLOW_UPS = [(chapter, cell.source) for chapter in CHECKS
              for cell in nbformat.read(next((REPO_ROOT / "exercises").glob(f"{chapter}_*_exercises.ipynb")),
                                        as_version=4).cells
              if cell.cell_type == "code" and "finish_first(" in cell.source]


def test_there_are_follow_up_cells_to_try():
    assert len(FOLLOW_UPS) >= 2  # chapter 04's demo of the targets and its reading of the rank sweep


@pytest.mark.parametrize("bad_answer", [_returns_none, _raises])
@pytest.mark.parametrize("chapter, source", FOLLOW_UPS)
def test_follow_up_cells_say_which_exercise_to_finish_when_an_answer_is_wrong(chapter, source, bad_answer, capsys):
    namespace = {answer: bad_answer for answer, _ in _calls(chapter).values()}
    exec("from ragft.course.checks import finish_first\n" + source, namespace)  # raises if the cell is not guarded
    if bad_answer is _raises:  # (an answer of None may simply be printed)
        assert re.search(r"your answer to Exercise \d+", capsys.readouterr().out)
