"""Chapter 02's checks accept the reference solutions and reject wrong, mistyped or unattempted answers."""

import math
import re

from ragft.course.checks import ERROR, FAILED, NOT_ATTEMPTED, ch02
from ragft.evaluate.calibration import expected_calibration_error
from ragft.world.load import load_cases


def not_attempted(*args):
    raise NotImplementedError("Exercise not attempted yet")


# ---- the reference solutions (as in solutions/02_why_llms_hallucinate_solutions.ipynb) ----

CITATION = re.compile(r"\[\s*(\d{4})\s*\]\s*([A-Z]{2,4})\s*(\d{1,4})\b")


def extract_citations(text):
    return [f"[{int(y)}] {court} {int(n)}" for y, court, n in CITATION.findall(text)]


def hallucination_rate(verdicts):
    cited = [v for v in verdicts if v != "no_citation"]
    if not cited:
        return float("nan")
    return sum(v in ("fabricated", "real_but_wrong") for v in cited) / len(cited)


def find_overconfident(records, threshold):
    wrong = [r for r in records if not r.correct and r.confidence >= threshold]
    return [r.question_id for r in sorted(wrong, key=lambda r: r.confidence, reverse=True)]


def ece(confidences, correct, n_bins):
    bins = [[] for _ in range(n_bins)]
    for c, ok in zip(confidences, correct):
        bins[min(int(c * n_bins), n_bins - 1)].append((c, ok))
    total = sum(len(b) * abs(sum(ok for _, ok in b) / len(b) - sum(c for c, _ in b) / len(b)) for b in bins if b)
    return total / len(confidences)


NEW_CASE = next(c for c in load_cases() if c.split == "new")


class FakeModel:
    def __init__(self, reply):
        self.reply = reply

    def generate(self, prompt, max_new_tokens=48):
        return " " + self.reply


def a_question_the_model_fails():
    return f"What is the neutral citation of {NEW_CASE.name}?", NEW_CASE.citation


# ---- tests ----

def test_reference_solutions_pass():
    assert ch02.exercise_1(extract_citations).passed
    assert ch02.exercise_2(hallucination_rate).passed
    assert ch02.exercise_3(find_overconfident).passed
    assert ch02.exercise_4(ece).passed
    assert ch02.exercise_5(a_question_the_model_fails, FakeModel("[2019] VHC 114")).passed


def test_unattempted_exercises_say_so():
    for check in (ch02.exercise_1, ch02.exercise_2, ch02.exercise_3, ch02.exercise_4):
        assert check(not_attempted).status == NOT_ATTEMPTED
    assert ch02.exercise_5(not_attempted, FakeModel("x")).status == NOT_ATTEMPTED


def test_exercise_1_rejects_wrong_values_and_types():
    strict = re.compile(r"\[(\d{4})\] ([A-Z]{2,4}) (\d{1,4})")  # misses the spacing slips
    assert ch02.exercise_1(lambda t: [m.group(0) for m in strict.finditer(t)]).status == FAILED
    assert ch02.exercise_1(lambda t: CITATION.findall(t)).status == FAILED  # tuples, not citations
    assert ch02.exercise_1(lambda t: ", ".join(extract_citations(t))).status == FAILED  # a string, not a list
    raw = ch02.exercise_1(lambda t: [m.group(0) for m in CITATION.finditer(t)])  # not normalised
    assert raw.status == FAILED and "[2019]VHC 114" in raw.message


def test_exercise_2_rejects_wrong_denominators_and_missing_nan():
    all_answers = ch02.exercise_2(lambda v: sum(x in ("fabricated", "real_but_wrong") for x in v) / len(v))
    assert all_answers.status == FAILED
    fabricated_only = ch02.exercise_2(
        lambda v: sum(x == "fabricated" for x in v) / max(1, sum(x != "no_citation" for x in v)))
    assert fabricated_only.status == FAILED
    zero_not_nan = ch02.exercise_2(lambda v: hallucination_rate(v) if any(x != "no_citation" for x in v) else 0.0)
    assert zero_not_nan.status == FAILED and "nan" in zero_not_nan.message
    assert ch02.exercise_2(lambda v: str(hallucination_rate(v))).status == FAILED


def test_exercise_3_rejects_wrong_order_filter_and_type():
    unsorted = ch02.exercise_3(lambda rs, t: [r.question_id for r in rs if not r.correct and r.confidence >= t])
    assert unsorted.status == FAILED
    strict = ch02.exercise_3(lambda rs, t: [q for q in find_overconfident(rs, t)
                                             if next(r for r in rs if r.question_id == q).confidence > t])
    assert strict.status == FAILED  # > instead of >=
    assert ch02.exercise_3(lambda rs, t: tuple(find_overconfident(rs, t))).status == FAILED
    assert ch02.exercise_3(lambda rs, t: find_overconfident([r for r in rs if r.correct], t)).status == FAILED


def test_exercise_4_rejects_an_unweighted_average_and_errors():
    def unweighted(conf, correct, n_bins):
        gaps = []
        for b in range(n_bins):
            members = [(c, ok) for c, ok in zip(conf, correct) if min(int(c * n_bins), n_bins - 1) == b]
            if members:
                accuracy = sum(ok for _, ok in members) / len(members)
                gaps.append(abs(accuracy - sum(c for c, _ in members) / len(members)))
        return sum(gaps) / len(gaps)

    assert ch02.exercise_4(unweighted).status == FAILED
    assert ch02.exercise_4(lambda c, k, n: abs(sum(c) / len(c) - sum(k) / len(k))).status == FAILED
    assert ch02.exercise_4(lambda c, k, n: [expected_calibration_error(c, k, n)]).status == FAILED  # not a number
    assert ch02.exercise_4(lambda c, k, n: 1 / 0).status == ERROR


def test_exercise_5_needs_a_real_case_a_true_answer_and_a_wrong_model():
    wrong_model = FakeModel("[2019] VHC 114")
    assert ch02.exercise_5(lambda: "just a string", wrong_model).status == FAILED
    assert ch02.exercise_5(lambda: ("What is the citation of Nobody v. Nowhere?", "[2023] VHC 1"),
                           wrong_model).status == FAILED  # no such case
    false_answer = ch02.exercise_5(lambda: (f"In what year was {NEW_CASE.name} decided?", "1999"), wrong_model)
    assert false_answer.status == FAILED and "true answer" in false_answer.message
    knows_it = ch02.exercise_5(a_question_the_model_fails, FakeModel(NEW_CASE.citation))
    assert knows_it.status == FAILED and "cutoff" in knows_it.message
    year = ch02.exercise_5(lambda: (f"In what year was {NEW_CASE.name} decided?", str(NEW_CASE.year)), wrong_model)
    assert year.passed


def test_checks_never_raise_on_nonsense():
    assert ch02.exercise_1(lambda t: None).status == FAILED
    assert ch02.exercise_3(lambda rs, t: None).status == FAILED
    assert ch02.exercise_2(lambda v: math.inf).status == FAILED
