"""How sure is a rate measured on few answers? The Wilson score interval, and a rate written with its count."""

from __future__ import annotations

import math


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% (z = 1.96) Wilson score interval of a proportion: unlike p ± z·se it stays inside [0, 1] and is
    honest at 0 of n and n of n, where a few questions say little."""
    if total <= 0 or not 0 <= successes <= total:
        raise ValueError(f"need 0 <= successes <= total and total > 0, got {successes} of {total}")
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_with_interval(successes: int, total: int) -> str:
    """ "12/36 = 33% (19-50%)": the count, the rate and its 95% Wilson interval, as a table cell."""
    low, high = wilson_interval(successes, total)
    return f"{successes}/{total} = {successes / total:.0%} ({100 * low:.0f}-{100 * high:.0f}%)"
