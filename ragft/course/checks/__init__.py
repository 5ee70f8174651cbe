"""Friendly checks for the exercises.

Each exercise has a check that runs the learner's code, compares it with what is expected and prints a
verdict: passed, not attempted yet, wrong answer (expected vs received, with a hint) or "your code raised ...".
A check never raises, so a notebook always runs top to bottom, whatever the learner wrote.

Hints come in two levels: every failed check shows a nudge; a check that also has a near-solution says how to ask
for it (`ch04.more_help(3)`), so the answer is never given away unasked.

    from ragft.course.checks import ch00
    ch00.exercise_1(my_function)
"""

from __future__ import annotations

import math
import re
import sysconfig
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
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


# Code that is not the learner's: this package, and Python's own and installed libraries.
_NOT_LEARNERS = tuple(str(Path(p).resolve()) for p in
                      {Path(__file__).parents[2], sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"),
                       sysconfig.get_path("platlib")})
_MORE_HELP: dict[tuple[str, int], str] = {}  # (checks module, exercise number) -> near-solution, once run


def _is_learners(frame: traceback.FrameSummary) -> bool:
    return not str(Path(frame.filename).resolve()).startswith(_NOT_LEARNERS)


def _where(err: BaseException) -> str:
    """Where the learner's code failed: their own line, and the library call it was in, if any."""
    frames = traceback.extract_tb(err.__traceback__)
    own = [i for i, frame in enumerate(frames) if _is_learners(frame)]
    if not own:
        return "   (while checking what your code returned: look at its type and shape)"
    mine = frames[own[-1]]
    at = f"at line {mine.lineno} of your code: {mine.line}" if mine.line else f"at line {mine.lineno} of your code"
    if own[-1] == len(frames) - 1:
        return f"   ({at})"
    called = frames[own[-1] + 1]  # the library function your line called
    library = "/".join(Path(called.filename).parts[-2:])
    return f"   (inside the library call {called.name}() in {library}, {at})"


def _received(value: Any) -> str:
    if value is None:
        return "None: your code returned nothing. Is a `return` line missing?"
    return _short(value)


def _hints(exercise: str, module: str, hint: str, more: str) -> list[str]:
    """The nudge, and how to ask for the near-solution if there is one."""
    lines = [f"   hint: {hint}"] if hint else []
    number = re.match(r"Exercise (\d+)", exercise)
    if more and number:
        lines.append(f"   still stuck? {module.rsplit('.', 1)[-1]}.more_help({number[1]}) shows a near-solution")
    return lines


def show_more_help(module: str, exercise: int) -> None:
    """Print the near-solution of `exercise` in checks `module` (what `chNN.more_help(n)` does)."""
    more = _MORE_HELP.get((module, exercise))
    print(more or f"No more help for exercise {exercise}: run its cell first (it runs the check), and read the hint.")


def more_help_for(module: str) -> Callable[[int], None]:
    """A checks module's `more_help(n)`: `more_help = more_help_for(__name__)`."""
    def more_help(exercise: int) -> None:
        """Print a near-solution for `exercise`, once its check has run and its hint was not enough."""
        show_more_help(module, exercise)
    return more_help


def run_check(exercise: str, test: Callable[[], None], hint: str = "", success: str = "", more: str = "") -> Verdict:
    """Run `test` (which raises `Mismatch` on a wrong answer), print a friendly verdict and return it.

    `hint` is the nudge shown on a wrong answer or an error (a `Mismatch` may carry a more specific one); `more`, a
    near-solution, is shown only when asked for with the checks module's `more_help(n)`.
    """
    number = re.match(r"Exercise (\d+)", exercise)
    if more and number:  # registered whatever the outcome: the exercise's cell has run its check once
        _MORE_HELP[(test.__module__, int(number[1]))] = more
    try:
        test()
    except NotImplementedError:
        verdict = Verdict(exercise, NOT_ATTEMPTED, f"{_ICONS[NOT_ATTEMPTED]} {exercise}: not attempted yet. "
                          "Replace the `raise NotImplementedError(...)` line with your code, then run this cell again.")
    except Mismatch as m:
        lines = [f"{_ICONS[FAILED]} {exercise}: not quite.", f"   checking: {m.what}",
                 f"   expected: {_short(m.expected)}", f"   received: {_received(m.received)}"]
        verdict = Verdict(exercise, FAILED, "\n".join(lines + _hints(exercise, test.__module__, m.hint or hint, more)))
    except Exception as err:  # the learner's code failed: explain instead of dumping a traceback
        lines = [f"{_ICONS[ERROR]} {exercise}: your code raised {type(err).__name__}: {err}", _where(err)]
        verdict = Verdict(exercise, ERROR, "\n".join(lines + _hints(exercise, test.__module__, hint, more)))
    else:
        verdict = Verdict(exercise, PASSED, f"{_ICONS[PASSED]} {exercise}: correct!" + (f" {success}" if success else ""))
    print(verdict.message)
    return verdict


@contextmanager
def finish_first(exercise: str) -> Iterator[None]:
    """For a follow-up cell that uses an exercise's answer: if that answer is missing or wrong, say which exercise to
    finish instead of showing a traceback.

        with finish_first("Exercise 5"):
            print(attention_targets())
    """
    try:
        yield
    except Exception as err:  # whatever an unfinished answer raises: the cell can wait for it
        print(f"{_ICONS[NOT_ATTEMPTED]} Nothing to show yet: this cell uses your answer to {exercise}. Finish it "
              f"first (its check says what is missing), then run this cell again. ({type(err).__name__}: {err})")


def expect_type(received: Any, expected_type: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """Fail unless `received` is an instance of `expected_type`."""
    if not isinstance(received, expected_type):
        names = " or ".join(t.__name__ for t in (expected_type if isinstance(expected_type, tuple) else (expected_type,)))
        shown = None if received is None else f"{type(received).__name__}: {_short(received, 80)}"
        raise Mismatch(what, f"a value of type {names}", shown, hint)


def expect_equal(received: Any, expected: Any, what: str, hint: str = "") -> None:
    """Fail unless `received == expected`."""
    if received != expected:
        raise Mismatch(what, expected, received, hint)


def expect_close(received: Any, expected: float, what: str, tol: float = 1e-6, hint: str = "") -> None:
    """Fail unless `received` is a number within `tol` (relative or absolute) of `expected`."""
    if received is None:
        raise Mismatch(what, "a number", None, hint)
    if isinstance(received, bool) or not isinstance(received, (int, float, np.number)):
        raise Mismatch(what, "a number", f"{type(received).__name__}: {_short(received, 80)}", hint)
    if not math.isclose(float(received), expected, rel_tol=tol, abs_tol=tol):
        raise Mismatch(what, round(expected, 6), round(float(received), 6), hint)


def expect_array(received: Any, expected: np.ndarray, what: str, tol: float = 1e-6, hint: str = "") -> None:
    """Fail unless `received` converts to an array of the expected shape whose values match within `tol`."""
    if received is None:  # np.asarray(None) would pass as an array of shape ()
        raise Mismatch(what, f"an array of shape {expected.shape}", None, hint)
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(what, f"an array of shape {expected.shape}", f"{type(received).__name__}: {_short(received, 80)}", hint)
    if got.shape != expected.shape:
        raise Mismatch(f"{what} (shape)", expected.shape, got.shape, hint)
    if not np.allclose(got, expected, rtol=tol, atol=tol):
        raise Mismatch(what, expected, got, hint)
