"""Exercise checks give a friendly verdict for every kind of answer and never raise."""

import numpy as np
import pytest

from ragft.course.checks import (ERROR, FAILED, NOT_ATTEMPTED, PASSED, Mismatch, ch00, expect_array, expect_close,
                                 expect_equal, expect_type, run_check, show_more_help)
from ragft.decide.matrix import QUADRANTS


def _verdict(test):
    return run_check("Exercise X", test, hint="a hint")


def test_passed(capsys):
    verdict = _verdict(lambda: expect_equal(2, 2, "two"))
    assert verdict.status == PASSED and verdict.passed
    assert "correct" in capsys.readouterr().out


def test_wrong_answer_shows_expected_received_and_hint(capsys):
    verdict = _verdict(lambda: expect_equal(3, 2, "two"))
    out = capsys.readouterr().out
    assert verdict.status == FAILED
    assert "expected: 2" in out and "received: 3" in out and "hint: a hint" in out
    assert "Traceback" not in out


def test_wrong_type():
    verdict = _verdict(lambda: expect_type("2019", int, "year"))
    assert verdict.status == FAILED and "int" in verdict.message and "str" in verdict.message


def test_wrong_shape():
    verdict = _verdict(lambda: expect_array(np.zeros((2, 3)), np.zeros((3, 2)), "matrix"))
    assert verdict.status == FAILED and "(3, 2)" in verdict.message and "(2, 3)" in verdict.message


def test_not_a_number_and_not_close():
    assert _verdict(lambda: expect_close("7.5", 7.5, "ratio")).status == FAILED
    assert _verdict(lambda: expect_close(7.0, 7.5, "ratio")).status == FAILED
    assert _verdict(lambda: expect_close(7.5 + 1e-9, 7.5, "ratio")).status == PASSED


def test_not_attempted():
    def unattempted():
        raise NotImplementedError("write your code")

    verdict = _verdict(unattempted)
    assert verdict.status == NOT_ATTEMPTED and "not attempted yet" in verdict.message


def test_learner_error_is_explained_not_raised():
    verdict = _verdict(lambda: {}["missing"])
    assert verdict.status == ERROR and "KeyError" in verdict.message and "hint" in verdict.message


def test_mismatch_carries_what_was_compared():
    with pytest.raises(Mismatch) as info:
        expect_equal([1], [2], "list")
    assert info.value.expected == [2] and info.value.received == [1]


def test_chapter_00_checks_accept_right_and_reject_wrong_answers():
    assert ch00.exercise_1(lambda c: int(c[1:5])).passed
    assert ch00.exercise_1(lambda c: c[1:5]).status == FAILED
    assert ch00.exercise_2(lambda: 7.5).passed
    assert ch00.exercise_2(lambda: 7).status == FAILED
    assert ch00.exercise_3(lambda e, c: QUADRANTS[(e, c)]).passed
    assert ch00.exercise_3(lambda e, c: "RAG").status == FAILED


def test_an_answer_of_none_is_named_not_shown_as_a_shape():
    verdict = _verdict(lambda: expect_array(None, np.zeros(5), "similarities"))
    assert verdict.status == FAILED and "returned nothing" in verdict.message and "()" not in verdict.message


def test_an_error_names_the_learners_line_and_the_library_call_it_came_from():
    import re

    def learners_code():
        return re.compile("(unclosed")  # the line the message must name

    verdict = _verdict(learners_code)
    assert "compile()" in verdict.message and "of your code: return re.compile" in verdict.message
    assert "hint: a hint" in verdict.message


def test_the_near_solution_is_shown_only_on_request(capsys):
    verdict = run_check("Exercise 9 · demo", lambda: expect_equal(1, 2, "one"), hint="a nudge", more="the answer")
    assert "a nudge" in verdict.message and "the answer" not in verdict.message
    assert "more_help(9)" in verdict.message
    capsys.readouterr()
    show_more_help(__name__, 9)
    assert "the answer" in capsys.readouterr().out
