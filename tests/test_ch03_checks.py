"""Chapter 03's checks accept the solutions notebook's answers and reject wrong, mistyped, misshapen or missing ones."""

import math

import numpy as np
import pytest

from ragft.checks import FAILED, ch03
from ragft.paths import REPO_ROOT

from exercise_harness import assert_stub_and_crash_are_explained, assert_the_solution_passes, solution_functions

SOLUTIONS = REPO_ROOT / "solutions" / "03_rag_from_scratch_solutions.ipynb"


@pytest.fixture(scope="module")
def solutions() -> dict:
    """The functions the solutions notebook defines in its exercise cells (the check calls are not run)."""
    return solution_functions(SOLUTIONS, "ch03", 6, np=np, math=math)


CHECKS = {  # exercise -> (check, name of the solution function)
    1: (ch03.exercise_1, "cosine_similarities"),
    2: (ch03.exercise_2, "chunk_with_overlap"),
    3: (ch03.exercise_3, "bm25_idf"),
    4: (ch03.exercise_4, "recall_at_k"),
    5: (ch03.exercise_5, "prompt_with_sources"),
    6: (ch03.exercise_6, "reciprocal_rank_fusion"),
}


@pytest.mark.parametrize("exercise", CHECKS)
def test_the_solutions_pass(exercise, solutions, capsys):
    check, name = CHECKS[exercise]
    assert_the_solution_passes(check, solutions[name], capsys)


@pytest.mark.parametrize("exercise", CHECKS)
def test_stubs_are_not_attempted_and_crashes_are_explained(exercise):
    assert_stub_and_crash_are_explained(CHECKS[exercise][0])


WRONG = {
    1: [lambda q, m: m @ q,  # forgets to divide by the lengths
        lambda q, m: m @ q / np.linalg.norm(m, axis=1),  # divides by the rows' lengths only
        lambda q, m: float((m @ q).sum()),  # wrong shape: one number
        lambda q, m: (m @ q / np.linalg.norm(m, axis=1) / np.linalg.norm(q))[None, :],  # wrong shape: (1, n)
        lambda q, m: "similar"],  # wrong type
    2: [lambda t, s, o: [" ".join(t.split()[i:i + s]) for i in range(0, len(t.split()), s)],  # ignores the overlap
        lambda t, s, o: [" ".join(t.split()[i:i + s]) for i in range(0, len(t.split()), s - o)],  # runs past the end
        lambda t, s, o: [t.split()[i:i + s] for i in range(0, max(len(t.split()) - o, 1), s - o)],  # lists of words
        lambda t, s, o: " ".join(t.split())],  # wrong type
    3: [lambda t, ps: math.log(len(ps) / sum(t in p for p in ps)) if any(t in p for p in ps) else 0.0,  # classic IDF
        lambda t, ps: math.log(1 + (len(ps) - sum(p.count(t) for p in ps) + 0.5) / (sum(p.count(t) for p in ps) + 0.5)),
        lambda t, ps: math.log10(1 + (len(ps) - sum(t in p for p in ps) + 0.5) / (sum(t in p for p in ps) + 0.5)),
        lambda t, ps: str(len(ps))],  # wrong type
    4: [lambda r, g, k: float(bool(set(r[:k]) & set(g))),  # hit rate instead of recall
        lambda r, g, k: len(set(r[:k]) & set(g)) / k,  # precision@k
        lambda r, g, k: len(set(r[: k + 1]) & set(g)) / len(g),  # off by one
        lambda r, g, k: [x for x in r[:k] if x in g]],  # wrong type
    5: [lambda q, ps: "Sources:\n" + "\n".join(p.text for p in ps) + f"\nQuestion: {q}\nAnswer:",  # no ids
        lambda q, ps: "Sources:\n" + "\n".join(f"[{p.id}] {p.text}" for p in ps) + f"\n\nQuestion: {q}\nAnswer: ",
        lambda q, ps: [f"[{p.id}] {p.text}" for p in ps]],  # wrong type
    6: [lambda rs, k=60: {d: sum(1 / (k + r.index(d)) for r in rs if d in r) for r in rs for d in r},  # ranks from 0
        lambda rs, k=60: {d: max(1 / (k + r.index(d) + 1) for r in rs if d in r) for r in rs for d in r},  # max not sum
        lambda rs, k=60: {d: sum(1 / (k + r.index(d) + 1) for r in rs if d in r) for d in rs[0]},  # forgets ids
        lambda rs, k=60: sorted({d for r in rs for d in r})],  # wrong type
}


@pytest.mark.parametrize("exercise, index", [(e, i) for e, wrongs in WRONG.items() for i in range(len(wrongs))])
def test_wrong_answers_fail_with_expected_and_received(exercise, index, capsys):
    check, _ = CHECKS[exercise]
    verdict = check(WRONG[exercise][index])
    assert verdict.status == FAILED, verdict.message
    out = capsys.readouterr().out
    assert "expected:" in out and "received:" in out and "Traceback" not in out


def test_wrong_shape_and_wrong_type_are_named(solutions):
    shape = ch03.exercise_1(WRONG[1][3])
    assert "shape" in shape.message and "(5,)" in shape.message and "(1, 5)" in shape.message
    assert "list" in ch03.exercise_2(WRONG[2][3]).message  # expected a list, got a str
    assert "dict" in ch03.exercise_6(WRONG[6][3]).message


def test_a_prompt_mismatch_points_at_the_first_difference():
    verdict = ch03.exercise_5(WRONG[5][1])
    assert verdict.status == FAILED and "from character" in verdict.message
