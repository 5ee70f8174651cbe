"""The style scores: legal jargon, speaking to the reader, keeping the holding's numbers."""

import pytest

from ragft.evaluate.style import LEGAL_JARGON, jargon_rate, jargon_words, keeps_number, style_scores


def test_jargon_words_and_rate():
    assert list(LEGAL_JARGON) == sorted(set(LEGAL_JARGON))
    text = "The court held that a landlord SHALL return it."
    assert jargon_words(text) == ["held", "shall"]
    assert jargon_rate(text) == pytest.approx(2 / 9)
    assert jargon_rate("") == 0.0


def test_style_scores_and_numbers():
    assert keeps_number("You get 14 days.", "held within 14 days") and not keeps_number("You get 15 days.", "14 days")
    assert not keeps_number("no number", "no number either")
    scores = style_scores(["You get 14 days back.", "The plaintiff shall be entitled to 9 days."],
                          ["held 14 days", "held 7 days"])
    assert scores["jargon-free"] == 0.5 and scores["keeps the number"] == 0.5 and scores["speaks to the client"] == 0.5
    assert scores["jargon rate"] == pytest.approx((0 + 3 / 7) / 2)  # "9" is not a word
