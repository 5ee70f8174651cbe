"""Chapter 02's measurements on tiny, hand-made inputs (a fake model stands in for the tiny GPT)."""

import math

import pytest

from ragft.evaluate.answer_format import format_compliance, is_format_compliant
from ragft.evaluate.calibration import expected_calibration_error, reliability_bins
from ragft.evaluate.citations import CitationChecker
from ragft.evaluate.hallucination import (accuracy, answer_rate, case_label, chapter_questions, citation_probe,
                                          cited_case, client_note_prompt, describe, fabricated_share_of_cited, overconfident, probe, real_case,
                                          rates_by_group, verdict_rates)
from ragft.evaluate.style import mean_jargon
from ragft.model.gpt import Answer
from ragft.world.groups import GROUPS, group_of
from ragft.world.load import load_cases, load_questions
from ragft.world.prompts import closed_book_prompt, task_format_target

CASES = {case.case_id: case for case in load_cases()}


class FakeModel:
    """Answers each closed-book prompt with a fixed text and token probabilities."""

    def __init__(self, replies: dict[str, tuple[str, list[float]]]):
        self.replies = replies
        self.calls = 0

    def answer_batch(self, prompts, max_new_tokens=48):
        self.calls += 1
        return [Answer(*self.replies.get(p, ("", []))) for p in prompts]


@pytest.fixture(scope="module")
def questions():
    def first(case_split, kind, qa_in_corpus):
        return next(q for q in load_questions(case_split=case_split, kind=kind) if q.qa_in_corpus == qa_in_corpus)
    return [first("known", "citation", True), first("known", "case_for_rule", False), first("new", "citation", False),
            first("new", "case_for_rule", False), first("new", "year", False)]


@pytest.fixture(scope="module")
def records(questions):
    known_cit, known_rule, new_cit, new_rule, new_year = questions
    other = next(c for c in CASES.values() if c.case_id not in {q.case_id for q in questions})
    model = FakeModel({
        closed_book_prompt(known_cit.question): (known_cit.answer, [0.9, 0.9]),  # right
        closed_book_prompt(known_rule.question): (case_label(other), [0.8, 0.5]),  # a real case, the wrong one
        closed_book_prompt(new_cit.question): ("[2001] VSC 999", [0.99, 0.9]),  # no such case
        closed_book_prompt(new_rule.question): ("Nobody v. Nothing [2024] VDC 998", [0.5, 0.5]),  # invented
        closed_book_prompt(new_year.question): ("2019", [0.7]),  # wrong year, no citation
    })
    return probe(model, questions, CitationChecker())


def test_probe_records_correctness_verdict_confidence_and_real_case(records, questions):
    assert [r.verdict for r in records] == ["correct", "real_but_wrong", "fabricated", "fabricated", "no_citation"]
    assert [r.correct for r in records] == [True, False, False, False, False]
    assert [r.group for r in records] == [GROUPS[0], GROUPS[1], GROUPS[2], GROUPS[2], GROUPS[2]]
    assert records[0].confidence == pytest.approx(0.81) and records[4].confidence == pytest.approx(0.7)
    assert real_case(records[2]) == case_label(CASES[questions[2].case_id])
    assert cited_case(records[1]) is not None and cited_case(records[1]) != real_case(records[1])
    assert cited_case(records[2]) is None and cited_case(records[0]) == real_case(records[0])


def test_citation_probe_keeps_citation_questions_only(questions):
    model = FakeModel({})
    kept = citation_probe(model, questions)
    assert [r.kind for r in kept] == ["citation", "case_for_rule", "citation", "case_for_rule"]
    assert all(r.prediction == "" and r.verdict == "no_citation" for r in kept)


def test_rates(records):
    rates = verdict_rates(records)
    assert rates == {"correct": 0.2, "real_but_wrong": 0.2, "mismatched": 0.0, "malformed": 0.0, "fabricated": 0.4,
                     "no_citation": 0.2}
    by_group = rates_by_group(records)
    assert list(by_group) == list(GROUPS)
    assert by_group["new"]["fabricated"] == pytest.approx(2 / 3) and by_group[GROUPS[0]]["correct"] == 1.0
    assert fabricated_share_of_cited(records) == pytest.approx(2 / 4)
    assert math.isnan(fabricated_share_of_cited(records[4:]))
    assert accuracy(records) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        accuracy([])


def test_answer_rate_counts_non_empty_answers():
    assert answer_rate(["[2019] VHC 1", "  ", "", "a landlord"]) == 0.5
    with pytest.raises(ValueError):
        answer_rate([])


def test_overconfident_answers_are_wrong_and_sure_most_sure_first(records):
    found = overconfident(records, threshold=0.5)
    assert [r.verdict for r in found] == ["fabricated", "no_citation"]
    assert found[0].confidence > found[1].confidence
    assert overconfident(records, threshold=0.95) == []


def test_group_of_matches_the_three_groups():
    questions = load_questions()
    groups = {group_of(q) for q in questions}
    assert groups == set(GROUPS)
    assert sum(group_of(q) == "new" for q in questions) == 240


def test_format_compliance():
    case = next(iter(CASES.values()))
    target = task_format_target(case.holding, case.name, case.citation)
    assert is_format_compliant(target) and is_format_compliant(f"  {target}\n")
    for wrong in [case.holding, f"Holding: {case.holding}.", f"Holding: {case.holding}. Authority: {case.name}",
                  f"Authority: {case.name} {case.citation}. Holding: {case.holding}", f"The court held {target}"]:
        assert not is_format_compliant(wrong), wrong
    assert format_compliance([target, case.holding, "", target]) == 0.5
    with pytest.raises(ValueError):
        format_compliance([])


def test_mean_jargon_and_client_note_prompt():
    assert mean_jargon(["the tenant shall vacate the premises", "you can walk away"]) == pytest.approx(3 / 6 / 2)
    assert client_note_prompt("It was held that x.").startswith("Question: Explain to a client in plain English:")
    assert client_note_prompt("x").endswith("\nAnswer:")


def test_reliability_bins_and_ece():
    conf = [0.05, 0.95, 1.0, 0.5, 0.55]
    correct = [False, True, True, False, True]
    bins = reliability_bins(conf, correct, n_bins=4)
    assert [b.count for b in bins] == [1, 0, 2, 2]
    assert [(b.lower, b.upper) for b in bins] == [(0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)]
    assert bins[2].mean_confidence == pytest.approx(0.525) and bins[2].accuracy == 0.5
    assert math.isnan(bins[1].accuracy) and math.isnan(bins[1].mean_confidence)
    expected = (1 * 0.05 + 2 * abs(0.5 - 0.525) + 2 * abs(1 - 0.975)) / 5
    assert expected_calibration_error(conf, correct, n_bins=4) == pytest.approx(expected)
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0  # perfectly calibrated
    assert expected_calibration_error([0.9, 0.9], [False, False]) == pytest.approx(0.9)  # sure and always wrong
    with pytest.raises(ValueError):
        reliability_bins([0.5], [True, False])
    with pytest.raises(ValueError):
        reliability_bins([1.5], [True])


def test_describe_shows_answer_verdict_and_both_cases(records):
    text = describe(records[1])
    assert records[1].prediction in text and "real case, but the wrong one" in text
    assert real_case(records[1]) in text and cited_case(records[1]) in text
    assert "fabricated" in describe(records[2]) and "(nothing)" not in describe(records[2])


def test_question_explorer_lists_questions_and_shows_the_checked_answer(questions, capsys):
    from ragft.course.widgets import question_explorer

    model = FakeModel({closed_book_prompt(questions[2].question): ("[2001] VSC 999", [0.9])})
    box = question_explorer(model, questions, CitationChecker())
    dropdown = box.children[0]
    assert len(dropdown.options) == len(questions) and all(len(label) <= 90 for label, _ in dropdown.options)
    dropdown.value = 2
    assert "fabricated" in capsys.readouterr().out
    calls = model.calls
    dropdown.value = 1  # a new question is asked ...
    dropdown.value = 2  # ... one seen before is not asked again
    assert model.calls == calls + 1


def test_plots_have_titles_and_labelled_axes(records):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ragft.evaluate.calibration import plot_confidence_histogram, plot_reliability
    from ragft.evaluate.hallucination import plot_verdict_rates

    conf, correct = [r.confidence for r in records], [r.correct for r in records]
    for ax in (plot_verdict_rates(rates_by_group(records)), plot_reliability(reliability_bins(conf, correct)),
               plot_confidence_histogram(conf, correct)):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")


def test_fluency_is_the_mean_token_probability(records):
    assert records[0].fluency == pytest.approx(0.9) and records[1].fluency == pytest.approx(0.65)


def test_chapter_questions_are_known_test_questions_and_all_new_ones():
    questions = chapter_questions()
    assert sum(q.case_split == "new" for q in questions) == 240
    assert all(q.split == "test" for q in questions if q.case_split == "known")
    assert len({q.question_id for q in questions}) == len(questions) == 240 + 192
