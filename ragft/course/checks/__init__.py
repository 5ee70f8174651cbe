"""Friendly checks for the exercises.

Each exercise has a check that runs the learner's code, compares it with what is expected and prints a
verdict: passed, not attempted yet, wrong answer (expected vs received, with a hint) or "your code raised ...".
A check never raises, so a notebook always runs top to bottom, whatever the learner wrote.

    from ragft.course.checks import ch00
    ch00.exercise_1(my_function)
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"
_ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", ERROR: "💥"}


class Mismatch(Exception):
    """The learner's answer differs from the expected one."""

    def __init__(self, what: str, expected: Any, received: Any, hint: str = ""):
        super().__init__(f"{what}: expected {expected!r}, received {received!r}")
        self.what, self.expected, self.received, self.hint = what, expected, received, hint


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check; `message` is what the learner reads."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # The check already printed the message; showing the returned object again would repeat it.
        pass


def _short(value: Any, limit: int = 200) -> str:
    if isinstance(value, np.ndarray):
        text = f"array of shape {value.shape}: {np.array2string(value, precision=4, threshold=12)}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_check(exercise: str, test: Callable[[], None], hint: str = "", success: str = "") -> Verdict:
    """Run `test` (which raises `Mismatch` on a wrong answer), print a friendly verdict and return it."""
    try:
        test()
    except NotImplementedError:
        verdict = Verdict(exercise, NOT_ATTEMPTED, f"{_ICONS[NOT_ATTEMPTED]} {exercise}: not attempted yet. "
                          "Replace the `raise NotImplementedError(...)` line with your code, then run this cell again.")
    except Mismatch as m:
        lines = [f"{_ICONS[FAILED]} {exercise}: not quite.", f"   checking: {m.what}",
                 f"   expected: {_short(m.expected)}", f"   received: {_short(m.received)}"]
        if m.hint or hint:
            lines.append(f"   hint: {m.hint or hint}")
        verdict = Verdict(exercise, FAILED, "\n".join(lines))
    except Exception as err:  # the learner's code failed: explain instead of dumping a traceback
        where = traceback.extract_tb(err.__traceback__)[-1]
        lines = [f"{_ICONS[ERROR]} {exercise}: your code raised {type(err).__name__}: {err}",
                 f"   (at line {where.lineno}: {where.line})"]
        if hint:
            lines.append(f"   hint: {hint}")
        verdict = Verdict(exercise, ERROR, "\n".join(lines))
    else:
        verdict = Verdict(exercise, PASSED, f"{_ICONS[PASSED]} {exercise}: correct!" + (f" {success}" if success else ""))
    print(verdict.message)
    return verdict


def expect_type(received: Any, expected_type: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """Fail unless `received` is an instance of `expected_type`."""
    if not isinstance(received, expected_type):
        names = " or ".join(t.__name__ for t in (expected_type if isinstance(expected_type, tuple) else (expected_type,)))
        raise Mismatch(what, f"a value of type {names}", f"{type(received).__name__}: {_short(received, 80)}", hint)


def expect_equal(received: Any, expected: Any, what: str, hint: str = "") -> None:
    """Fail unless `received == expected`."""
    if received != expected:
        raise Mismatch(what, expected, received, hint)


def expect_close(received: Any, expected: float, what: str, tol: float = 1e-6, hint: str = "") -> None:
    """Fail unless `received` is a number within `tol` (relative or absolute) of `expected`."""
    if isinstance(received, bool) or not isinstance(received, (int, float, np.number)):
        raise Mismatch(what, "a number", f"{type(received).__name__}: {_short(received, 80)}", hint)
    if not math.isclose(float(received), expected, rel_tol=tol, abs_tol=tol):
        raise Mismatch(what, round(expected, 6), round(float(received), 6), hint)


def expect_array(received: Any, expected: np.ndarray, what: str, tol: float = 1e-6, hint: str = "") -> None:
    """Fail unless `received` converts to an array of the expected shape whose values match within `tol`."""
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(what, f"an array of shape {expected.shape}", f"{type(received).__name__}: {_short(received, 80)}", hint)
    if got.shape != expected.shape:
        raise Mismatch(f"{what} (shape)", expected.shape, got.shape, hint)
    if not np.allclose(got, expected, rtol=tol, atol=tol):
        raise Mismatch(what, expected, got, hint)
