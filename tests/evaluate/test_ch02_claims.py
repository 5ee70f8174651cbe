"""Chapter 02's measured claims, with margins, on exactly the questions the chapter asks (`chapter_questions`).

The set is the test split's questions about known cases plus every question about the 60 new cases. No new case is
in the pretraining corpus, so all of them are unseen by the base model; using all 60 (240 questions, 120 asking for
a citation) instead of the test split's 12 makes each new-case rate move in steps of under 1%, not 4%.

Measured (seed 1234 world with precedence, course checkpoint: 1,400 pretraining steps + 800 reading-practice steps):
- citation verdicts (correct / real but wrong / fabricated / no citation; mismatched and malformed 0):
  known with QA in the corpus 65 / 31 / 4 / 0 %, known without 52 / 44 / 4 / 0 %, new 0 / 50 / 50 / 0 %;
- accuracy over all kinds: known with QA in the corpus 74%, without 55%, new 0.0% of 240 (answer rate 100%);
- "Holding: … Authority: …" format: 0% of the 60 test replies (references 100%);
- answer probability: ECE 0.05; on new cases mean token probability 72% at 0% accuracy; reliability bins from
  confidence 0.3 up all above the diagonal (7 of the 10 bins; under-confident), the three below it within 6 points;
  8 of 308 wrong answers with confidence >= 0.5;
- abstaining: the lowest threshold on the grid 0.00-0.99 that answers the 192 dev questions about known cases at
  >= 90% accuracy is 0.38 (100 answered, 90 right); on the chapter's questions it answers 119 of 432, 101 right
  (85%, Wilson 77-90%; answering everything: 124/432 = 29%), withholds 62 of the 64 fabricated citations and 23 of
  the 124 right answers;
- the law today, closed book, 96 questions: on the 60 about rules changed after the cutoff 1 up to date, 28 out
  of date (47%); on the 36 about unchanged rules 4 up to date, 12 out of date; 40 of 96 out of date in all.
"""

from contextlib import contextmanager

import pytest
import torch

from ragft.evaluate import hallucination as hal
from ragft.evaluate.answer_format import format_compliance
from ragft.evaluate.calibration import (abstention_curve, expected_calibration_error, reliability_bins,
                                        threshold_for_accuracy)
from ragft.evaluate.citations import CITED_KINDS
from ragft.evaluate.intervals import wilson_interval
from ragft.evaluate.law import closed_book_law_records, law_table
from ragft.model.gpt import load_course_model
from ragft.world.load import load_law_questions, load_questions, load_task_format
from ragft.world.prompts import closed_book_prompt


@contextmanager
def one_thread():
    """Run the tiny model on one thread, as the chapter does (several threads only wait for each other)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.fixture(scope="module")
def model():
    return load_course_model()


@pytest.fixture(scope="module")
def records(model):
    with one_thread():
        return hal.probe(model, hal.chapter_questions())


def _of(records, group, kinds=None):
    return [r for r in records if r.group == group and (kinds is None or r.kind in kinds)]


def test_new_cases_are_answered_anyway_and_wrongly(records):
    new = _of(records, "new")
    assert len(new) == 240
    assert hal.answer_rate(r.prediction for r in new) >= 0.98  # it never says "I don't know"
    assert hal.accuracy(new) <= 0.02  # but it cannot know


def test_citations_about_new_cases_are_wrong(records):
    rates = hal.verdict_rates(_of(records, "new", CITED_KINDS))
    assert rates["correct"] <= 0.02
    assert rates["real_but_wrong"] + rates["fabricated"] >= 0.9  # it cites something, and it is the wrong case


def test_citations_about_known_cases_are_mostly_right_but_not_always(records):
    with_qa = hal.verdict_rates(_of(records, "known, QA in corpus", CITED_KINDS))
    without = hal.verdict_rates(_of(records, "known, no QA in corpus", CITED_KINDS))
    assert with_qa["correct"] >= 0.35 and with_qa["real_but_wrong"] >= 0.1
    assert 0.05 <= without["correct"] < with_qa["correct"]
    # extracting a fact seen only as prose is harder: accuracy over all four kinds (96 questions a group)
    assert hal.accuracy(_of(records, "known, no QA in corpus")) <= hal.accuracy(_of(records, "known, QA in corpus")) - 0.1


def test_many_citations_about_new_cases_are_fabricated(records):
    assert hal.verdict_rates(_of(records, "new", CITED_KINDS))["fabricated"] >= 0.35


def test_a_format_it_was_never_taught_is_not_followed(model):
    tasks = load_task_format(split="test")
    with one_thread():
        replies = [a.text for a in model.answer_batch([closed_book_prompt(t.question) for t in tasks])]
    assert format_compliance(t.target for t in tasks) == 1.0
    assert format_compliance(replies) <= 0.05


def test_confidence_is_informative_but_miscalibrated_and_fluent_when_wrong(records):
    confidence, right = [r.confidence for r in records], [r.correct for r in records]
    assert expected_calibration_error(confidence, right) >= 0.03
    new = _of(records, "new")
    assert sum(r.fluency for r in new) / len(new) >= 0.5 and hal.accuracy(new) == 0  # fluent, and never right
    wrong = [r for r in records if not r.correct]
    assert sum(r.fluency for r in wrong) / len(wrong) >= 0.6  # wrong answers still read fluently
    right_conf = [r.confidence for r in records if r.correct]
    assert sum(right_conf) / len(right_conf) > sum(r.confidence for r in wrong) / len(wrong) + 0.2
    assert len(hal.overconfident(records, threshold=0.5)) >= 3  # sure and wrong


def test_the_model_is_under_confident_rather_than_over(records):
    confidence, right = [r.confidence for r in records], [r.correct for r in records]
    upper = [b for b in reliability_bins(confidence, right) if b.count and b.lower >= 0.1]
    assert sum(b.accuracy > b.mean_confidence for b in upper) >= 0.6 * len(upper)  # most bins above the diagonal
    wrong = [r for r in records if not r.correct]
    assert len(hal.overconfident(records, threshold=0.5)) <= 0.05 * len(wrong)  # few wrong answers are sure


def test_a_threshold_chosen_on_dev_questions_stops_fabricated_citations(model, records):
    thresholds = [i / 100 for i in range(100)]
    with one_thread():
        dev = hal.probe(model, load_questions(case_split="known", split="dev"))
    t = threshold_for_accuracy(abstention_curve([r.confidence for r in dev], [r.correct for r in dev], thresholds),
                               0.9).threshold
    everything, at_t = abstention_curve([r.confidence for r in records], [r.correct for r in records], [0.0, t])
    fabricated = [r for r in records if r.kind in CITED_KINDS and r.verdict == "fabricated"]
    assert len(fabricated) >= 40
    assert sum(r.confidence < t for r in fabricated) >= 0.85 * len(fabricated)  # it stops nearly all of them
    assert at_t.coverage >= 0.2  # while answering a fifth of the questions or more
    assert sum(r.correct and r.confidence < t for r in records) <= 0.3 * everything.right  # at a modest cost
    assert at_t.selective_accuracy >= 0.75  # near the dev target of 90% ...
    assert wilson_interval(at_t.right, at_t.answered)[0] > wilson_interval(everything.right, everything.total)[1]
    # ... and, outside the noise, better than answering everything


def test_closed_book_answers_about_the_law_are_often_out_of_date(model):
    questions = load_law_questions()
    with one_thread():
        table = law_table(closed_book_law_records(model, questions), questions)
    changed, unchanged = table["rule changed after the cutoff"], table["rule unchanged since the cutoff"]
    assert changed["up to date"] <= 3  # the decisions that changed these rules came after its cutoff
    assert changed["out of date"] >= 0.3 * changed["questions"]  # it states the rule as it once was
    assert unchanged["out of date"] >= 0.15 * unchanged["questions"]  # an older decision, even where none came since
    assert table["all"]["out of date"] >= 0.3 * table["all"]["questions"]
