"""Chapter 02's measurements: the four ways our model gets things wrong, each turned into a number.

1. hallucination: `probe` asks closed-book questions and checks every citation in the answers (`verdict_rates`);
2. no up-to-date information: `accuracy` and `answer_rate` on questions about cases decided after the cutoff;
3. missing skills: `ragft.evaluate.answer_format.format_compliance` and `ragft.evaluate.style.mean_jargon`;
4. lack of factualness: `ragft.evaluate.calibration` (confidence vs correctness).

The notebook shows these numbers and `tests/evaluate/test_ch02_claims.py` asserts them, with the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ragft.evaluate.answers import closed_book_records
from ragft.evaluate.citations import CITED_KINDS, CitationChecker, citation_rates
from ragft.model.gpt import Answer, TinyGPT
from ragft.world.groups import GROUPS, group_of
from ragft.world.load import load_cases, load_questions
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import Case, Question


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
    verdict: str  # "correct" | "real_but_wrong" | "fabricated" | "no_citation" (ragft.evaluate.citations.VERDICTS)
    confidence: float  # probability of the whole answer: the product of its token probabilities
    fluency: float  # average probability of the answer's tokens: how natural the answer reads to the model
    real_case: str  # the case asked about: "Name [year] COURT number"
    cited_case: str | None  # the first real case the answer cites, if any


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
    return probe(model, [q for q in questions if q.kind in CITED_KINDS], checker)


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


def client_note_prompt(holding_text: str) -> str:
    """A closed-book prompt asking to explain a holding to a client in plain English (a task never taught)."""
    return closed_book_prompt(f"Explain to a client in plain English: {holding_text}")


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
