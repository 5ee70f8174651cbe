"""Chapter 04's pictures of training: a loss curve, and the rank sweep next to full fine-tuning."""

from __future__ import annotations

from collections.abc import Sequence


def plot_loss(losses: Sequence[float], title: str, ax=None):
    """A training-loss curve: nats per target token against the step."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5.5, 3.2))[1]
    ax.plot(range(1, len(losses) + 1), losses, color="tab:blue")
    ax.set(title=title, xlabel="training step", ylabel="loss (nats per target token)")
    return ax


def plot_rank_sweep(sweep: dict[str, dict], full: dict | None = None, axes=None):
    """Three panels against the LoRA rank: trainable parameters, seconds per step, and test quality."""
    import matplotlib.pyplot as plt

    ranks = [int(r) for r in sweep]
    rows = list(sweep.values())
    axes = axes if axes is not None else plt.subplots(1, 3, figsize=(13, 3.6))[1]
    axes[0].plot(ranks, [row["trainable"] for row in rows], "o-", label="LoRA")
    axes[1].plot(ranks, [row["seconds per step"] for row in rows], "o-", label="LoRA")
    for key, style in (("format compliance", "o-"), ("both correct", "s-")):
        axes[2].plot(ranks, [100 * row[key] for row in rows], style, label=f"LoRA: {key}")
    if full is not None:
        axes[0].axhline(full["trainable"], color="tab:red", ls="--", label="full fine-tuning")
        axes[1].axhline(full["seconds per step"], color="tab:red", ls="--", label="full fine-tuning")
        axes[2].axhline(100 * full["after"]["both correct"], color="tab:red", ls="--", label="full: both correct")
    axes[0].set(yscale="log", title="Trainable parameters", ylabel="parameters (log scale)")
    axes[1].set(title="Time per training step", ylabel="seconds per step", ylim=(0, None))
    axes[2].set(title="Task-format quality on the test set", ylabel="share of test answers (%)", ylim=(0, 105))
    for ax in axes:
        ax.set(xscale="log", xlabel="LoRA rank r (log scale)")
        ax.set_xticks(ranks, [str(r) for r in ranks])
        ax.legend(fontsize=8)
    return axes
