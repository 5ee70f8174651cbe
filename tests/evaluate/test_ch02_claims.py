"""Chapter 02's measured claims, with margins, on exactly the questions the chapter asks (`chapter_questions`).

The set is the test split's questions about known cases plus every question about the 60 new cases. No new case is
in the pretraining corpus, so all of them are unseen by the base model; using all 60 (240 questions, 120 asking for
a citation) instead of the test split's 12 makes each new-case rate move in steps of under 1%, not 4%.

Measured (seed 1234 world, course checkpoint: 1,400 pretraining steps + 800 reading-practice steps):
- citation verdicts (correct / real but wrong / fabricated / no citation):
  known with QA in the corpus 46 / 27 / 23 / 4 %, known without 15 / 31 / 52 / 2 %, new 0 / 28 / 71 / 1 %;
- new cases: accuracy 0.0% of 240, answer rate 100%;
- "Holding: … Authority: …" format: 0% of the 60 test replies (references 100%);
- answer probability: ECE 0.07; on new cases mean token probability 67% at 0% accuracy (mean whole-answer
  probability 1%); right answers 48% vs wrong 5% whole-answer probability; 6 wrong answers at >= 0.5.
"""

from contextlib import contextmanager

import pytest
import torch

from ragft.evaluate import hallucination as hal
from ragft.evaluate.answer_format import format_compliance
from ragft.evaluate.calibration import expected_calibration_error
from ragft.evaluate.citations import CITED_KINDS
from ragft.model.gpt import load_course_model
from ragft.world.load import load_task_format
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
    assert 0.05 <= without["correct"] <= with_qa["correct"] - 0.15  # extracting a fact seen only as prose is harder


def test_most_citations_about_new_cases_are_fabricated(records):
    assert hal.verdict_rates(_of(records, "new", CITED_KINDS))["fabricated"] >= 0.5


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
