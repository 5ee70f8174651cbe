"""Chapter 01's checks accept the reference answers and explain wrong ones."""

import math
from collections import Counter

import numpy as np
import pytest
import torch

from ragft.course.checks import ERROR, FAILED, NOT_ATTEMPTED, ch01
from ragft.model.gpt import load_course_model


@pytest.fixture(scope="module")
def model():
    return load_course_model()


def _not_attempted(*args):
    raise NotImplementedError("Exercise not attempted yet")


def test_exercise_1():
    assert ch01.exercise_1(lambda p: -math.log(p)).passed
    assert ch01.exercise_1(lambda p: math.log(p)).status == FAILED
    assert ch01.exercise_1(_not_attempted).status == NOT_ATTEMPTED


def test_exercise_2():
    def right(tokens, prev, nxt):
        pairs = Counter(zip(tokens, tokens[1:]))
        followed = sum(c for (a, _), c in pairs.items() if a == prev)
        return pairs[(prev, nxt)] / followed if followed else 0.0

    assert ch01.exercise_2(right).passed
    assert ch01.exercise_2(lambda t, a, b: t.count(b) / len(t)).status == FAILED
    # counts every occurrence of prev as a pair's start, though a token at the end starts no pair (#22)
    assert ch01.exercise_2(lambda t, a, b: Counter(zip(t, t[1:]))[(a, b)] / t.count(a)).status == FAILED


def test_exercise_3():
    def right(logits, t):
        z = np.asarray(logits, dtype=float) / t
        e = np.exp(z - z.max())
        return e / e.sum()

    def overflowing(logits, t):
        e = np.exp(np.asarray(logits, dtype=float) / t)
        return e / e.sum()

    assert ch01.exercise_3(right).passed
    assert ch01.exercise_3(lambda logits, t: right(logits, t)[:2]).status == FAILED  # wrong shape
    with np.errstate(over="ignore", invalid="ignore"):
        assert ch01.exercise_3(overflowing).status == FAILED  # nan for logits of 1000
    assert ch01.exercise_3(lambda logits, t: right(logits, 1.0)).status == FAILED  # ignores the temperature


def test_exercise_4(model):
    def right(model, prompt, n):
        ids = model.prompt_ids(prompt)
        start = len(ids)
        for _ in range(n):
            ids.append(int(model.next_token_logits(torch.tensor([ids]))[0].argmax()))
        return model.decode(ids[start:])

    assert ch01.exercise_4(right, model).passed
    # The reference loop agrees with the model's own greedy generation while no <|endoftext|> is produced.
    prompt = "The court held that"
    assert ch01._greedy_reference(model, prompt, 8) == model.generate(prompt, 8, temperature=0, stop_at_newline=False)
    assert ch01.exercise_4(lambda m, p, n: m.generate(p, max_new_tokens=n, temperature=1.0, seed=3,
                                                      stop_at_newline=False), model).status == FAILED
    assert ch01.exercise_4(lambda m, p, n: m.prompt_ids(p), model).status == FAILED  # a list, not a string
    assert ch01.exercise_4(lambda m, p, n: m.undefined(), model).status == ERROR


def test_exercise_5():
    def right(V, P, L, d):
        return V * d + P * d + L * (12 * d * d + 13 * d) + 2 * d

    assert ch01.exercise_5(right).passed
    assert ch01.exercise_5(lambda V, P, L, d: V * d + P * d + L * 12 * d * d).status == FAILED
    assert ch01.exercise_5(lambda V, P, L, d: float(right(V, P, L, d))).status == FAILED  # a float, not an int


def test_exercise_5_formula_matches_the_real_model():
    from ragft.model.gpt import count_parameters, make_gpt

    for V, P, L, d in [(100, 32, 2, 32), (4096, 256, 4, 192)]:
        assert count_parameters(make_gpt(V, n_layer=L, n_head=2, n_embd=d, n_positions=P)) == ch01._gpt2_parameters(V, P, L, d)
