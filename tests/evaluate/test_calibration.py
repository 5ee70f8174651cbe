"""Abstaining below a confidence threshold: the coverage-accuracy curve and the threshold meeting a target, by hand."""

import math

import pytest

from ragft.evaluate.calibration import AbstentionPoint, abstention_curve, plot_abstention_curve, threshold_for_accuracy

# Five answers, most confident first: right, right, wrong, right, wrong.
CONFIDENCE = [0.9, 0.8, 0.6, 0.3, 0.1]
RIGHT = [True, True, False, True, False]


def test_the_curve_counts_answered_and_right_at_each_threshold():
    curve = abstention_curve(CONFIDENCE, RIGHT, [0.0, 0.3, 0.5, 0.85, 0.95])
    assert [(p.answered, p.right) for p in curve] == [(5, 3), (4, 3), (3, 2), (1, 1), (0, 0)]  # >= t is answered
    assert curve[0].coverage == 1.0 and curve[0].selective_accuracy == pytest.approx(3 / 5)  # answer everything
    assert curve[2].coverage == pytest.approx(3 / 5) and curve[2].selective_accuracy == pytest.approx(2 / 3)
    assert curve[4].coverage == 0.0 and math.isnan(curve[4].selective_accuracy)  # abstain on everything


def test_the_lowest_threshold_that_meets_the_target_is_chosen():
    curve = abstention_curve(CONFIDENCE, RIGHT, [0.0, 0.3, 0.5, 0.7, 0.85, 0.95])
    assert threshold_for_accuracy(curve, 0.7).threshold == 0.3  # 3 of the 4 answered right: 75%
    assert threshold_for_accuracy(curve, 0.8).threshold == 0.7  # 0.3 gives 75%, 0.5 gives 2 of 3: both short of 80%
    assert threshold_for_accuracy(curve, 0.5) == AbstentionPoint(0.0, 5, 3, 5)
    with pytest.raises(ValueError, match="no threshold"):
        threshold_for_accuracy(abstention_curve([0.9], [False], [0.0, 0.5]), 0.5)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="2 confidences but 1"):
        abstention_curve([0.1, 0.2], [True], [0.0])
    with pytest.raises(ValueError, match="at least one"):
        abstention_curve([], [], [0.0])


def test_the_plot_has_a_title_and_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_abstention_curve({"hand": abstention_curve(CONFIDENCE, RIGHT, [0.0, 0.5, 0.95])}, chosen=0.5)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
