"""Numbers for people: aligned text tables and before/after bar charts."""

from __future__ import annotations

from collections.abc import Mapping


def format_table(table: Mapping[str, Mapping[str, object]], digits: int = 3, first: str = "") -> str:
    """Rows of a {row: {column: value}} table as aligned text, floats rounded to `digits` places."""
    columns = list(dict.fromkeys(c for row in table.values() for c in row))
    cell = lambda v: f"{v:.{digits}f}" if isinstance(v, float) else str(v)  # noqa: E731
    rows = [[first, *columns]] + [[name, *(cell(row.get(c, "")) for c in columns)] for name, row in table.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join(lines)


def plot_before_after(rows: dict[str, dict[str, float]], title: str, ylabel: str = "share of test answers (%)",
                      percent: bool = True, ax=None):
    """Grouped bars: one group per metric, one bar per row (e.g. "before", "after"), values as labels."""
    import matplotlib.pyplot as plt

    metrics = list(next(iter(rows.values())))
    ax = ax or plt.subplots(figsize=(1.6 + 1.4 * len(metrics), 3.4))[1]
    width = 0.8 / len(rows)
    for i, (name, values) in enumerate(rows.items()):
        heights = [(100 if percent else 1) * values[m] for m in metrics]
        bars = ax.bar([j + (i - (len(rows) - 1) / 2) * width for j in range(len(metrics))], heights, width, label=name)
        ax.bar_label(bars, fmt="%.0f" if percent else "%.2f", fontsize=8)
    ax.set_xticks(range(len(metrics)), metrics)
    ax.set(title=title, xlabel="measure", ylabel=ylabel)
    if percent:
        ax.set_ylim(0, 110)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax
