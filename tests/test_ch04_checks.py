"""Chapter 04's checks accept the solutions notebook's answers and reject wrong, mistyped, misshapen or missing ones."""

import pytest
import torch

from ragft.checks import FAILED, ch04
from ragft.paths import REPO_ROOT

from exercise_harness import assert_stub_and_crash_are_explained, assert_the_solution_passes, solution_functions

SOLUTIONS = REPO_ROOT / "solutions" / "04_finetuning_with_lora_solutions.ipynb"


@pytest.fixture(scope="module")
def solutions() -> dict:
    """The functions the solutions notebook defines in its exercise cells (the check calls are not run)."""
    return solution_functions(SOLUTIONS, "ch04", 8, torch=torch)


CHECKS = {  # exercise -> (check, name of the solution function)
    1: (ch04.exercise_1, "full_finetuning_gb"),
    2: (ch04.exercise_2, "lora_parameters"),
    3: (ch04.exercise_3, "lora_forward"),
    4: (ch04.exercise_4, "merge"),
    5: (ch04.exercise_5, "attention_targets"),
    6: (ch04.exercise_6, "mask_prompt"),
    7: (ch04.exercise_7, "confident_wrong_rate"),
    8: (ch04.exercise_8, "smallest_sufficient_rank"),
}


@pytest.mark.parametrize("exercise", CHECKS)
def test_the_solutions_pass(exercise, solutions, capsys):
    check, name = CHECKS[exercise]
    assert_the_solution_passes(check, solutions[name], capsys)


@pytest.mark.parametrize("exercise", CHECKS)
def test_stubs_are_not_attempted_and_crashes_are_explained(exercise):
    assert_stub_and_crash_are_explained(CHECKS[exercise][0])


def _shapes(d):
    return {"attn.c_attn": (d, 3 * d), "attn.c_proj": (d, d), "mlp.c_fc": (d, 4 * d), "mlp.c_proj": (4 * d, d)}


WRONG = {
    1: [lambda n, b: 2 * n * b / 1e9,  # weights and gradients only
        lambda n, b: 3 * n * b / 1e9,  # forgets one AdamW moment
        lambda n, b: 4 * n * b / 2**30,  # GiB instead of GB
        lambda n, b: f"{4 * n * b / 1e9} GB"],  # wrong type
    2: [lambda L, d, r, t: L * sum(r * _shapes(d)[x][0] * _shapes(d)[x][1] for x in t),  # r * in * out
        lambda L, d, r, t: sum(r * sum(_shapes(d)[x]) for x in t),  # one block only
        lambda L, d, r, t: L * r * 2 * d * len(t),  # every layer d -> d
        lambda L, d, r, t: float(L * sum(r * sum(_shapes(d)[x]) for x in t))],  # wrong type: float
    3: [lambda x, W, b, A, B, alpha, r: x @ W.T + b + (x @ A.T) @ B.T,  # forgets the scaling
        lambda x, W, b, A, B, alpha, r: x @ W.T + (alpha / r) * (x @ A.T) @ B.T,  # forgets the bias
        lambda x, W, b, A, B, alpha, r: x @ W.T + b + (r / alpha) * (x @ A.T) @ B.T,  # scaling upside down
        lambda x, W, b, A, B, alpha, r: (x @ W.T + b + (alpha / r) * (x @ A.T) @ B.T)[..., 0],  # wrong shape
        lambda x, W, b, A, B, alpha, r: (x @ W.T + b).tolist()],  # wrong type
    4: [lambda W, A, B, alpha, r: W + B @ A,  # forgets the scaling
        lambda W, A, B, alpha, r: (W + (alpha / r) * B @ A).T,  # wrong shape (transposed)
        lambda W, A, B, alpha, r: (alpha / r) * B @ A,  # the update alone
        lambda W, A, B, alpha, r: "W + BA"],  # wrong type
    5: [lambda: ["c_attn", "c_proj"],  # also wraps mlp.c_proj
        lambda: ["c_attn"],  # misses the output projection
        lambda: ["q_proj", "v_proj"],  # Llama's names: nothing matches
        lambda: "c_attn"],  # wrong type
    6: [lambda p, t: (p + t, [-100] * len(p) + t),  # not shifted
        lambda p, t: ((p + t)[:-1], (p + t)[1:]),  # prompt not masked
        lambda p, t: ((p + t)[:-1], [0] * (len(p) - 1) + t),  # masks with 0 instead of -100
        lambda p, t: [(p + t)[:-1], [-100] * (len(p) - 1) + t]],  # wrong type: a list
    7: [lambda c, p, th: sum(not ok and x >= th for ok, x in zip(c, p)) / len(c),  # divides by all answers
        lambda c, p, th: (sum(x > th for ok, x in zip(c, p) if not ok) / max(1, sum(not ok for ok in c))),  # > not >=
        lambda c, p, th: sum(x >= th for ok, x in zip(c, p) if not ok) / max(1, sum(not ok for ok in c)),  # 0 not nan
        lambda c, p, th: [x for ok, x in zip(c, p) if not ok and x >= th]],  # wrong type
    8: [lambda q, tol: max(q, key=q.get),  # the best rank, not the smallest sufficient one
        lambda q, tol: min(q),  # always the smallest
        lambda q, tol: next(r for r, v in q.items() if v >= max(q.values()) - tol),  # first in dict order
        lambda q, tol: str(min(q))],  # wrong type
}


@pytest.mark.parametrize("exercise, index", [(e, i) for e, wrongs in WRONG.items() for i in range(len(wrongs))])
def test_wrong_answers_fail_with_expected_and_received(exercise, index, capsys):
    check, _ = CHECKS[exercise]
    verdict = check(WRONG[exercise][index])
    assert verdict.status == FAILED, verdict.message
    out = capsys.readouterr().out
    assert "expected:" in out and "received:" in out and "Traceback" not in out


def test_wrong_shape_and_wrong_type_are_named():
    shape = ch04.exercise_3(WRONG[3][3])
    assert "shape" in shape.message and "(3, 5, 4)" in shape.message and "(3, 5)" in shape.message
    assert "(4, 6)" in ch04.exercise_4(WRONG[4][1]).message and "(6, 4)" in ch04.exercise_4(WRONG[4][1]).message
    assert "int" in ch04.exercise_2(WRONG[2][3]).message
    assert "list" in ch04.exercise_5(WRONG[5][3]).message
    assert "tuple" in ch04.exercise_6(WRONG[6][3]).message


def test_the_c_proj_trap_is_explained():
    verdict = ch04.exercise_5(WRONG[5][0])
    assert verdict.status == FAILED and "mlp.c_proj" in verdict.message
    unknown = ch04.exercise_5(WRONG[5][2])
    assert unknown.status == FAILED and "c_attn" in unknown.message  # the error lists the layers that exist
