"""Chapter 02's measurements: the four ways our model gets things wrong, each turned into a number.

1. hallucination: `probe` asks closed-book questions and checks every citation in the answers (`verdict_rates`);
2. no up-to-date information: `accuracy` and `answer_rate` on questions about cases decided after the cutoff;
3. missing skills: `format_compliance` ("Holding: … Authority: <name> <citation>") and `mean_jargon`;
4. lack of factualness: `reliability_bins` and `expected_calibration_error` (confidence vs correctness).

The notebook shows these numbers and `tests/test_ch02_claims.py` asserts them, with the same functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ragft.citations import CASE_NAME_PATTERN, CITATION_PATTERN, CitationChecker, citation_rates
from ragft.data import Case, Question, closed_book_prompt, load_cases, load_questions
from ragft.gpt import Answer, TinyGPT
from ragft.qa import closed_book_records
from ragft.style import jargon_rate

CITATION_KINDS = ("citation", "case_for_rule")  # the question kinds whose gold answer is a citation
GROUPS = ("known, QA in corpus", "known, no QA in corpus", "new")  # as in ragft.pretrain.question_groups
# The answer format of the task-specific fine-tuning set (ragft.data.task_format_target), as a pattern.
FORMAT_PATTERN = re.compile(
    rf"^Holding: (?P<holding>.+)\. Authority: "
    rf"(?P<name>{CASE_NAME_PATTERN.pattern})\s+(?P<citation>{CITATION_PATTERN.pattern})$"
)


@dataclass(frozen=True)
class ProbeRecord:
    """One closed-book question answered and checked: correct or not, the citation verdict, and the confidence."""

    question_id: str
    case_id: str
    kind: str
    group: str
    question: str
    gold: str
    answer: str
    correct: bool
    verdict: str  # "correct" | "real_but_wrong" | "fabricated" | "no_citation" (ragft.citations.VERDICTS)
    confidence: float  # probability of the whole answer: the product of its token probabilities
    fluency: float  # average probability of the answer's tokens: how natural the answer reads to the model
    real_case: str  # the case asked about: "Name [year] COURT number"
    cited_case: str | None  # the first real case the answer cites, if any


@dataclass(frozen=True)
class ReliabilityBin:
    """Answers whose confidence fell in [lower, upper): how sure the model was on average, and how often right."""

    lower: float
    upper: float
    mean_confidence: float  # nan when the bin is empty
    accuracy: float  # nan when the bin is empty
    count: int


def group_of(question: Question) -> str:
    """The question's group: known case with its QA in the corpus, known case without, or new case."""
    if question.case_split == "new":
        return GROUPS[2]
    return GROUPS[0] if question.qa_in_corpus else GROUPS[1]


def chapter_questions() -> list[Question]:
    """Chapter 02's questions: the test split's questions about known cases, and every question about a new case.

    No new case is in the pretraining corpus, so all 60 are unseen by the base model: using all of them gives
    240 new-case questions (120 asking for a citation) instead of the test split's 48.
    """
    known = load_questions(case_split="known", split="test")
    return known + load_questions(case_split="new")


def case_label(case: Case) -> str:
    """A case as a lawyer cites it: "Marlow v. Teague [2019] VHC 114"."""
    return f"{case.name} {case.citation}"


def probe(
    model: TinyGPT, questions: Sequence[Question], checker: CitationChecker | None = None, max_new_tokens: int = 40
) -> list[ProbeRecord]:
    """Closed-book answers to `questions`, each with its correctness, citation verdict and confidence."""
    checker = checker or CitationChecker()
    cases = {case.case_id: case for case in load_cases()}
    records = []
    for q, r in zip(questions, closed_book_records(model, questions, max_new_tokens)):
        cited = next((f.case_id for f in checker.check(r.prediction) if f.kind == "citation" and f.case_id), None)
        records.append(ProbeRecord(
            q.question_id, q.case_id, q.kind, group_of(q), q.question, q.answer, r.prediction, r.correct,
            checker.verdict(r.prediction, q.case_id), r.confidence, Answer(r.prediction, r.token_probs).mean_prob,
            case_label(cases[q.case_id]), case_label(cases[cited]) if cited else None,
        ))
    return records


def citation_probe(
    model: TinyGPT, questions: Sequence[Question], checker: CitationChecker | None = None
) -> list[ProbeRecord]:
    """`probe` over the citation-bearing questions only (kinds "citation" and "case_for_rule")."""
    return probe(model, [q for q in questions if q.kind in CITATION_KINDS], checker)


def verdict_rates(records: Iterable[ProbeRecord]) -> dict[str, float]:
    """Share of each citation verdict (correct, real_but_wrong, fabricated, no_citation) over `records`."""
    return citation_rates(r.verdict for r in records)


def rates_by_group(records: Sequence[ProbeRecord]) -> dict[str, dict[str, float]]:
    """`verdict_rates` for each question group present in `records`, in the order of GROUPS."""
    present = {r.group for r in records}
    return {g: verdict_rates([r for r in records if r.group == g]) for g in GROUPS if g in present}


def fabricated_share_of_cited(records: Sequence[ProbeRecord]) -> float:
    """Among answers that contain a citation, the share whose citation is fabricated (nan if none cite)."""
    cited = [r for r in records if r.verdict != "no_citation"]
    return sum(r.verdict == "fabricated" for r in cited) / len(cited) if cited else math.nan


def accuracy(records: Sequence[ProbeRecord]) -> float:
    """Share of `records` answered exactly right."""
    if not records:
        raise ValueError("accuracy needs at least one record")
    return sum(r.correct for r in records) / len(records)


def answer_rate(texts: Iterable[str]) -> float:
    """Share of answers that say something (non-empty after stripping): the model answers anyway."""
    texts = list(texts)
    if not texts:
        raise ValueError("answer_rate needs at least one answer")
    return sum(bool(t.strip()) for t in texts) / len(texts)


def overconfident(records: Iterable[ProbeRecord], threshold: float = 0.5) -> list[ProbeRecord]:
    """The wrong answers given with confidence at least `threshold`, most confident first."""
    return sorted((r for r in records if not r.correct and r.confidence >= threshold), key=lambda r: -r.confidence)


def is_format_compliant(text: str) -> bool:
    """True when `text` is exactly "Holding: <rule>. Authority: <Name v. Name> <[year] COURT number>"."""
    return FORMAT_PATTERN.match(text.strip()) is not None


def format_compliance(texts: Iterable[str]) -> float:
    """Share of `texts` in the required "Holding: … Authority: …" format."""
    texts = list(texts)
    if not texts:
        raise ValueError("format_compliance needs at least one text")
    return sum(map(is_format_compliant, texts)) / len(texts)


def mean_jargon(texts: Iterable[str]) -> float:
    """Average share of legal-jargon words per text (`ragft.style.jargon_rate`)."""
    rates = [jargon_rate(t) for t in texts]
    if not rates:
        raise ValueError("mean_jargon needs at least one text")
    return sum(rates) / len(rates)


def client_note_prompt(holding_text: str) -> str:
    """A closed-book prompt asking to explain a holding to a client in plain English (a task never taught)."""
    return closed_book_prompt(f"Explain to a client in plain English: {holding_text}")


def reliability_bins(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins over [0, 1] (1.0 falls in the last), each with mean confidence, accuracy, count."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness values")
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    members: list[list[int]] = [[] for _ in range(n_bins)]
    for i, c in enumerate(confidences):
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is not a probability")
        members[min(int(c * n_bins), n_bins - 1)].append(i)
    bins = []
    for b, idx in enumerate(members):
        mean_conf = sum(confidences[i] for i in idx) / len(idx) if idx else math.nan
        acc = sum(bool(correct[i]) for i in idx) / len(idx) if idx else math.nan
        bins.append(ReliabilityBin(b / n_bins, (b + 1) / n_bins, mean_conf, acc, len(idx)))
    return bins


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> float:
    """ECE: the count-weighted average gap |accuracy - mean confidence| over the reliability bins."""
    if not confidences:
        raise ValueError("expected_calibration_error needs at least one answer")
    bins = reliability_bins(confidences, correct, n_bins)
    return sum(b.count * abs(b.accuracy - b.mean_confidence) for b in bins if b.count) / len(confidences)


VERDICT_LABELS = {
    "correct": "✅ correct citation",
    "real_but_wrong": "⚠️ real case, but the wrong one",
    "fabricated": "❌ fabricated: no such case exists",
    "no_citation": "– no citation in the answer",
}


def describe(record: ProbeRecord) -> str:
    """A few lines for a learner: question, answer, confidence, verdict, and the real case next to the cited one."""
    lines = [
        f"question:    {record.question}",
        f"model says:  {record.answer or '(nothing)'}",
        f"gold answer: {record.gold}   ({'right' if record.correct else 'wrong'})",
        f"confidence:  {record.confidence:.2f} (probability the model gave its whole answer)",
        f"verdict:     {VERDICT_LABELS[record.verdict]}",
        f"real case:   {record.real_case}",
    ]
    if record.cited_case and record.verdict == "real_but_wrong":
        lines.append(f"it cited:    {record.cited_case} (a different case)")
    return "\n".join(lines)


# ---- pictures -------------------------------------------------------------------------------------------------

VERDICT_COLORS = {"correct": "tab:green", "real_but_wrong": "tab:orange", "fabricated": "tab:red",
                  "no_citation": "tab:gray"}


def plot_verdict_rates(by_group: dict[str, dict[str, float]], ax=None):
    """Stacked bars: for each question group, the share of answers per citation verdict."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    bottom = [0.0] * len(by_group)
    for verdict, color in VERDICT_COLORS.items():
        shares = [100 * rates[verdict] for rates in by_group.values()]
        ax.bar(list(by_group), shares, bottom=bottom, color=color, label=verdict.replace("_", " "))
        bottom = [b + s for b, s in zip(bottom, shares)]
    ax.set(title="What the citations in the model's answers turn out to be", xlabel="questions about",
           ylabel="share of answers (%)", ylim=(0, 100))
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def plot_reliability(bins: Sequence[ReliabilityBin], ax=None):
    """Reliability diagram: accuracy against mean confidence per bin, with the diagonal of perfect calibration."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    full = [b for b in bins if b.count]
    ax.plot([0, 1], [0, 1], "--", color="gray", label="perfectly calibrated")
    ax.bar([(b.lower + b.upper) / 2 for b in full], [b.accuracy for b in full], width=[b.upper - b.lower for b in full],
           edgecolor="black", alpha=0.6, label="accuracy in the bin")
    ax.plot([b.mean_confidence for b in full], [b.accuracy for b in full], "o", color="tab:red", label="bin average")
    ax.set(title="Reliability diagram", xlabel="confidence (probability of the answer)",
           ylabel="accuracy (share right)", xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    return ax


def plot_confidence_histogram(confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10, ax=None):
    """Overlaid histograms of the confidence of right and of wrong answers."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    edges = [i / n_bins for i in range(n_bins + 1)]
    ax.hist([c for c, ok in zip(confidences, correct) if ok], bins=edges, alpha=0.6, color="tab:green", label="right")
    ax.hist([c for c, ok in zip(confidences, correct) if not ok], bins=edges, alpha=0.6, color="tab:red", label="wrong")
    ax.set(title="How sure the model was, right vs wrong", xlabel="confidence (probability of the answer)",
           ylabel="number of answers")
    ax.legend()
    return ax
