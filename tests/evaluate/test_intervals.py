"""The Wilson interval against known values, and its edges."""

import pytest
from scipy.stats import binomtest

from ragft.evaluate.intervals import rate_with_interval, wilson_interval


@pytest.mark.parametrize("successes, total", [(12, 36), (0, 10), (10, 10), (1, 48), (30, 48)])
def test_equal_to_scipy(successes, total):
    reference = binomtest(successes, total).proportion_ci(method="wilson")  # z = 1.95996… rather than 1.96
    assert wilson_interval(successes, total) == pytest.approx((reference.low, reference.high), abs=1e-4)


def test_fewer_answers_give_a_wider_interval():
    low_few, high_few = wilson_interval(5, 10)
    low_many, high_many = wilson_interval(50, 100)
    assert high_few - low_few > high_many - low_many


def test_bad_counts_are_refused_and_cells_read_well():
    with pytest.raises(ValueError, match="0 <= successes <= total"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="total > 0"):
        wilson_interval(0, 0)
    assert rate_with_interval(12, 36) == "12/36 = 33% (20-50%)"
