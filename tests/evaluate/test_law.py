"""Law verdicts: the governing holding is up to date, an overruled one out of date, anything else wrong."""

from types import SimpleNamespace

import pytest

from ragft.evaluate.law import LAW_VERDICTS, law_counts, law_verdict
from ragft.world.load import load_law_questions

RULE = SimpleNamespace(answer="a landlord must return a deposit within 7 days",
                       overruled_answers=("a landlord must return a deposit within 45 days",
                                          "a landlord must return a deposit within 14 days"))


@pytest.mark.parametrize("answer, verdict", [
    ("a landlord must return a deposit within 7 days", "up to date"),
    ("A landlord must return a deposit within 7 days.", "up to date"),
    ("a landlord must return a deposit within 14 days", "out of date"),
    ("a landlord must return a deposit within 70 days", "wrong"),  # not "7 days" inside "70 days"
    ("a landlord must return a deposit within 145 days", "wrong"),
    ("", "wrong"),
    ("a landlord must return a deposit within 45 days, later within 7 days", "out of date"),  # the first one stated
])
def test_verdicts(answer, verdict):
    assert law_verdict(answer, RULE) == verdict


def test_every_dataset_question_judges_its_own_answers():
    for q in load_law_questions():
        assert law_verdict(q.answer, q) == "up to date"
        assert {law_verdict(a, q) for a in q.overruled_answers} <= {"out of date"}
        assert law_verdict(q.answer_at_cutoff, q) == ("out of date" if q.changed_after_cutoff else "up to date")


def test_counts_in_order_and_unknown_verdicts_refused():
    assert law_counts(["wrong", "up to date", "wrong"]) == {"up to date": 1, "out of date": 0, "wrong": 2}
    assert tuple(law_counts([])) == LAW_VERDICTS
    with pytest.raises(ValueError, match="not a law verdict: 'correct'"):
        law_counts(["correct"])
