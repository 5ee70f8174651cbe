"""Summaries of many answers: how many wrong answers came with high confidence."""

import math

import pytest

from ragft.evaluate.answers import confident_wrong_rate


def test_confident_wrong_rate():
    correct, confidence = [True, False, False, False], [0.9, 0.8, 0.2, 0.5]
    assert confident_wrong_rate(correct, confidence, 0.5) == pytest.approx(2 / 3)
    assert confident_wrong_rate(correct, confidence, 0.9) == 0.0
    assert math.isnan(confident_wrong_rate([True], [0.9]))
    with pytest.raises(ValueError):
        confident_wrong_rate([True], [0.1, 0.2])
