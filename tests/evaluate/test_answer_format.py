"""The answer format "Holding: … Authority: …": parsing an answer and scoring many."""

import pytest

from ragft.evaluate.answer_format import format_scores, parse_formatted
from ragft.world.load import cases_of, load_task_format
from ragft.world.prompts import task_format_target


def test_parse_and_score_the_format():
    cases = cases_of(load_task_format("test")[:3])
    right = task_format_target(cases[0].holding, cases[0].name, cases[0].citation)
    wrong_number = task_format_target(cases[1].holding.replace(next(c for c in cases[1].holding if c.isdigit()), "99", 1),
                                      cases[1].name, cases[1].citation)
    assert parse_formatted(right) == {"holding": cases[0].holding, "name": cases[0].name, "citation": cases[0].citation}
    assert parse_formatted("The court held that deposits must be returned.") is None
    scores = format_scores([right, wrong_number, "no format here"], cases)
    assert scores == pytest.approx({"format compliance": 2 / 3, "holding correct": 1 / 3,
                                    "authority correct": 2 / 3, "both correct": 1 / 3})  # fmt: skip
    with pytest.raises(ValueError, match="one case per answer"):
        format_scores([right], cases)
