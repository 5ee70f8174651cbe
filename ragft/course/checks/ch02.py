"""Checks for chapter 02's exercises: a citation extractor, a hallucination rate, overconfident answers,
calibration error, and a question the model must fail."""

from __future__ import annotations

import math

from ragft.course.checks import Mismatch, Verdict, expect_close, expect_equal, expect_type, more_help_for, run_check
from ragft.evaluate.answers import exact_match, normalize
from ragft.evaluate.calibration import expected_calibration_error
from ragft.evaluate.citations import CitationChecker
from ragft.evaluate.answers import AnswerRecord
from ragft.evaluate.hallucination import overconfident
from ragft.world.load import load_cases

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint

EXTRACTOR_TEXTS = [
    "Marlow v. Teague [2019] VHC 114 held that a landlord must return a deposit.",
    "See [2003] VCA 7 and [2024] VSC 388; compare [1999] VDC 12.",
    "Spacing slips count too: [2019]VHC 114 and [ 2020 ] VDC 7.",
    "No citation here, only the year 2019 and the court VHC.",
    "Leading zeros: [2021] VHC 007.",
]


def _reference_citations(text: str, checker: CitationChecker) -> list[str]:
    return [f.normalized for f in checker.check(text) if f.kind == "citation" and f.status != "malformed"]


def exercise_1(extract_citations) -> Verdict:
    """A regex citation extractor that agrees with the course's citation checker."""
    checker = CitationChecker(load_cases())

    def test():
        for text in EXTRACTOR_TEXTS:
            got = extract_citations(text)
            expect_type(got, list, f"extract_citations({text!r})", hint="return a list of strings")
            expect_equal(got, _reference_citations(text, checker), f"extract_citations({text!r})",
                         hint="match [YEAR] COURT NUMBER allowing optional spaces (\\s*), then rebuild each as "
                              "f'[{int(year)}] {court} {int(number)}'")
    return run_check("Exercise 1 · a citation extractor", test,
                     hint="a regex with three groups: the year in [ ], the court's letters, the number",
                     success="Your regex finds the same citations as ragft.evaluate.citations.CitationChecker.")


HALLUCINATION_CASES = [
    (["correct", "fabricated", "real_but_wrong", "no_citation"], 2 / 3),
    (["fabricated"] * 3 + ["correct"], 3 / 4),
    (["correct", "correct"], 0.0),
    (["real_but_wrong", "no_citation", "no_citation"], 1.0),
]


def exercise_2(hallucination_rate) -> Verdict:
    """Share of citing answers whose citation is fabricated or real-but-wrong."""
    def test():
        for verdicts, expected in HALLUCINATION_CASES:
            expect_close(hallucination_rate(verdicts), expected, f"hallucination_rate({verdicts})", tol=1e-9,
                         hint="leave out 'no_citation'; divide the fabricated and real_but_wrong answers by the rest")
        got = hallucination_rate(["no_citation", "no_citation"])
        if not (isinstance(got, float) and math.isnan(got)):
            raise Mismatch("hallucination_rate(['no_citation', 'no_citation']) (no answer cites anything)",
                           "float('nan')", got, "with nothing to divide by, return float('nan')")
    return run_check("Exercise 2 · a hallucination rate", test,
                     hint="leave out the answers that cite nothing before dividing")


def _record(qid: str, correct: bool, confidence: float) -> AnswerRecord:
    return AnswerRecord("q?", "gold", "answer", correct, (confidence,), qid, "C0001", "citation", "new",
                        "correct" if correct else "fabricated")


OVERCONFIDENT_RECORDS = [_record("Q1", False, 0.91), _record("Q2", True, 0.99), _record("Q3", False, 0.42),
                         _record("Q4", False, 0.97), _record("Q5", False, 0.5), _record("Q6", True, 0.3)]


def exercise_3(find_overconfident) -> Verdict:
    """Question ids of wrong answers given with confidence >= threshold, most confident first."""
    def test():
        for threshold in (0.5, 0.9, 0.995):
            got = find_overconfident(OVERCONFIDENT_RECORDS, threshold)
            expected = [r.question_id for r in overconfident(OVERCONFIDENT_RECORDS, threshold)]
            expect_type(got, list, f"find_overconfident(records, {threshold})", hint="return a list of question ids")
            expect_equal(got, expected, f"find_overconfident(records, {threshold})",
                         hint="keep records with correct False and confidence >= threshold; sort by confidence, "
                              "highest first; return their question_id")
    return run_check("Exercise 3 · overconfident answers", test,
                     hint="keep the wrong answers at or above the threshold, most confident first")


ECE_CASES = [
    ([0.05, 0.95, 1.0, 0.5, 0.55], [False, True, True, False, True], 4),
    ([0.9, 0.9, 0.9, 0.9], [True, False, False, False], 10),
    ([0.12, 0.18, 0.33, 0.77, 0.81, 0.99], [False, False, True, True, False, True], 5),
]


def exercise_4(ece) -> Verdict:
    """Expected calibration error with equal-width bins."""
    def test():
        for confidences, correct, n_bins in ECE_CASES:
            expect_close(ece(confidences, correct, n_bins), expected_calibration_error(confidences, correct, n_bins),
                         f"ece({confidences}, {correct}, n_bins={n_bins})", tol=1e-9,
                         hint="bin index = min(int(c * n_bins), n_bins - 1); sum over non-empty bins of "
                              "count * |accuracy - mean confidence|, divided by the number of answers")
    return run_check("Exercise 4 · calibration error", test,
                     hint="bin the answers by confidence; compare each bin's accuracy with its mean confidence",
                     success="ECE is 0 for a perfectly calibrated model and grows with over- or under-confidence.")


def _facts(case) -> dict[str, str]:
    return {"citation": case.citation, "year": str(case.year), "holding": case.holding, "name": case.name,
            "case": f"{case.name} {case.citation}"}


def exercise_5(a_question_the_model_fails, model) -> Verdict:
    """A question about a named case, with its true answer, that the model answers wrongly closed-book."""
    cases = load_cases()
    checker = CitationChecker(cases)
    by_id = {c.case_id: c for c in cases}

    def test():
        got = a_question_the_model_fails()
        if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(x, str) for x in got)):
            raise Mismatch("a_question_the_model_fails()", "a tuple (question, true_answer) of two strings",
                           got, "return (question, answer), e.g. ('In what year was X v. Y decided?', '2023')")
        question, answer = got
        named = [f.case_id for f in checker.check(question) if f.case_id]
        if not named:
            raise Mismatch("the cases named in your question", "the name or citation of a real Veridia case",
                           question, "copy a case's name from load_cases(), e.g. one decided after the cutoff")
        if not any(normalize(answer) == normalize(v) for cid in named for v in _facts(by_id[cid]).values()):
            raise Mismatch("your true answer", "the citation, year, holding or name of the case you asked about",
                           answer, "look the fact up in load_cases(): the check must know your answer is true")
        prediction = model.generate(f"Question: {question}\nAnswer:", max_new_tokens=48).strip()
        if exact_match(prediction, answer):
            raise Mismatch("the model's closed-book answer", f"anything but {answer!r}", prediction,
                           "the model knows this one: ask about a case decided after its 2022 cutoff")
    return run_check("Exercise 5 · a question the model must fail", test,
                     hint="ask about a case decided after the model's 2022 cutoff",
                     success="The model answered, fluently and wrongly. Chapter 03 gives it the documents to read.")
