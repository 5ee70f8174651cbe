"""Confidence vs correctness: reliability bins, the expected calibration error (ECE), abstaining below a confidence
threshold (coverage vs selective accuracy), and their pictures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReliabilityBin:
    """Answers whose confidence fell in [lower, upper): how sure the model was on average, and how often right."""

    lower: float
    upper: float
    mean_confidence: float  # nan when the bin is empty
    accuracy: float  # nan when the bin is empty
    count: int


def reliability_bins(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins over [0, 1] (1.0 falls in the last), each with mean confidence, accuracy, count."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness values")
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    members: list[list[int]] = [[] for _ in range(n_bins)]
    for i, c in enumerate(confidences):
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is not a probability")
        members[min(int(c * n_bins), n_bins - 1)].append(i)
    bins = []
    for b, idx in enumerate(members):
        mean_conf = sum(confidences[i] for i in idx) / len(idx) if idx else math.nan
        acc = sum(bool(correct[i]) for i in idx) / len(idx) if idx else math.nan
        bins.append(ReliabilityBin(b / n_bins, (b + 1) / n_bins, mean_conf, acc, len(idx)))
    return bins


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> float:
    """ECE: the count-weighted average gap |accuracy - mean confidence| over the reliability bins."""
    if not confidences:
        raise ValueError("expected_calibration_error needs at least one answer")
    bins = reliability_bins(confidences, correct, n_bins)
    return sum(b.count * abs(b.accuracy - b.mean_confidence) for b in bins if b.count) / len(confidences)


@dataclass(frozen=True)
class AbstentionPoint:
    """Answer only when confidence >= threshold, else say "I don't know": how many were answered, how many of those
    were right, out of how many questions."""

    threshold: float
    answered: int
    right: int  # right answers among the answered ones
    total: int

    @property
    def coverage(self) -> float:
        """Share of the questions answered."""
        return self.answered / self.total

    @property
    def selective_accuracy(self) -> float:
        """Share of the answered questions answered right (nan when none is answered)."""
        return self.right / self.answered if self.answered else math.nan


def abstention_curve(confidences: Sequence[float], correct: Sequence[bool],
                     thresholds: Sequence[float]) -> list[AbstentionPoint]:
    """For each threshold t, answer the questions whose confidence is at least t and abstain on the others."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness values")
    if not confidences:
        raise ValueError("abstention_curve needs at least one answer")
    points = []
    for t in thresholds:
        answered = [bool(ok) for c, ok in zip(confidences, correct) if c >= t]
        points.append(AbstentionPoint(t, len(answered), sum(answered), len(confidences)))
    return points


def threshold_for_accuracy(curve: Sequence[AbstentionPoint], target: float) -> AbstentionPoint:
    """The point of `curve` with the lowest threshold whose answered questions are right at least `target` of the
    time: the most questions answered while meeting the target."""
    meeting = [p for p in curve if p.answered and p.selective_accuracy >= target]
    if not meeting:
        raise ValueError(f"no threshold of the curve reaches a selective accuracy of {target}")
    return min(meeting, key=lambda p: p.threshold)


def plot_reliability(bins: Sequence[ReliabilityBin], ax=None):
    """Reliability diagram: accuracy against mean confidence per bin, with the diagonal of perfect calibration."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    full = [b for b in bins if b.count]
    ax.plot([0, 1], [0, 1], "--", color="gray", label="perfectly calibrated")
    ax.bar([(b.lower + b.upper) / 2 for b in full], [b.accuracy for b in full], width=[b.upper - b.lower for b in full],
           edgecolor="black", alpha=0.6, label="accuracy in the bin")
    ax.plot([b.mean_confidence for b in full], [b.accuracy for b in full], "o", color="tab:red", label="bin average")
    ax.set(title="Reliability diagram", xlabel="confidence (probability of the answer)",
           ylabel="accuracy (share right)", xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    return ax


def plot_confidence_histogram(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10, ax=None):
    """Overlaid histograms of the confidence of right and of wrong answers."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    edges = [i / n_bins for i in range(n_bins + 1)]
    ax.hist([c for c, ok in zip(confidences, correct) if ok], bins=edges, alpha=0.6, color="tab:green", label="right")
    ax.hist([c for c, ok in zip(confidences, correct) if not ok], bins=edges, alpha=0.6, color="tab:red", label="wrong")
    ax.set(title="How sure the model was, right vs wrong", xlabel="confidence (probability of the answer)",
           ylabel="number of answers")
    ax.legend()
    return ax


def plot_abstention_curve(curves: dict[str, Sequence[AbstentionPoint]], chosen: float | None = None, ax=None):
    """Selective accuracy against coverage as the threshold rises, one line per question set; `chosen` marks a
    threshold's point on each line."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5.5, 4))[1]
    for (name, curve), color in zip(curves.items(), ("tab:blue", "tab:orange", "tab:green")):
        answered = [p for p in curve if p.answered]
        ax.plot([p.coverage for p in answered], [p.selective_accuracy for p in answered], "-", color=color, label=name)
        if chosen is not None:
            point = min(curve, key=lambda p: abs(p.threshold - chosen))
            ax.plot(point.coverage, point.selective_accuracy, "o", color=color, markeredgecolor="black")
    if chosen is not None:
        ax.plot([], [], "o", color="white", markeredgecolor="black", label=f"threshold {chosen:.2f}")
    ax.set(title="Answer only when sure: coverage vs accuracy", xlabel="coverage (share of questions answered)",
           ylabel="accuracy of the answered questions", xlim=(0, 1.02), ylim=(0, 1.02))
    ax.legend(loc="lower left")
    return ax
