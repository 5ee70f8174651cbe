"""Chapter 02's measurements: the four ways our model gets things wrong, each turned into a number.

1. hallucination: `probe` asks closed-book questions and checks every citation in the answers (`verdict_rates`);
2. no up-to-date information: `accuracy` and `answer_rate` on questions about cases decided after the cutoff;
3. missing skills: `ragft.evaluate.answer_format.format_compliance` and `ragft.evaluate.style.mean_jargon`;
4. lack of factualness: `ragft.evaluate.calibration` (confidence vs correctness).

The notebook shows these numbers and `tests/evaluate/test_ch02_claims.py` asserts them, with the same functions.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ragft.evaluate.answers import AnswerRecord, closed_book_records
from ragft.evaluate.citations import CITED_KINDS, CitationChecker, citation_rates
from ragft.model.gpt import TinyGPT
from ragft.world.groups import GROUPS, group_of
from ragft.world.load import load_cases, load_questions
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import Case, Question


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
) -> list[AnswerRecord]:
    """Closed-book answers to `questions`, each with its correctness, group, citation verdict and confidence."""
    checker = checker or CitationChecker()
    return [replace(r, group=group_of(q), verdict=checker.verdict(r.prediction, q.case_id))
            for q, r in zip(questions, closed_book_records(model, questions, max_new_tokens))]


def real_case(record: AnswerRecord) -> str:
    """The case the question asked about, as a lawyer cites it."""
    return case_label(_cases()[record.case_id])


def cited_case(record: AnswerRecord, checker: CitationChecker | None = None) -> str | None:
    """The first real case the answer cites, if any, as a lawyer cites it."""
    found = (checker or CitationChecker()).check(record.prediction)
    cited = next((f.case_id for f in found if f.kind == "citation" and f.case_id), None)
    return case_label(_cases()[cited]) if cited else None


@functools.cache
def _cases() -> dict[str, Case]:
    return {case.case_id: case for case in load_cases()}


def citation_probe(
    model: TinyGPT, questions: Sequence[Question], checker: CitationChecker | None = None
) -> list[AnswerRecord]:
    """`probe` over the citation-bearing questions only (kinds "citation" and "case_for_rule")."""
    return probe(model, [q for q in questions if q.kind in CITED_KINDS], checker)


def verdict_rates(records: Iterable[AnswerRecord]) -> dict[str, float]:
    """Share of each citation verdict (see `ragft.evaluate.citations.VERDICTS`) over `records`."""
    return citation_rates(r.verdict for r in records)


def rates_by_group(records: Sequence[AnswerRecord]) -> dict[str, dict[str, float]]:
    """`verdict_rates` for each question group present in `records`, in the order of GROUPS."""
    present = {r.group for r in records}
    return {g: verdict_rates([r for r in records if r.group == g]) for g in GROUPS if g in present}


def fabricated_share_of_cited(records: Sequence[AnswerRecord]) -> float:
    """Among answers that contain a citation, the share whose citation is fabricated (nan if none cite)."""
    cited = [r for r in records if r.verdict != "no_citation"]
    return sum(r.verdict == "fabricated" for r in cited) / len(cited) if cited else math.nan


def accuracy(records: Sequence[AnswerRecord]) -> float:
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


def overconfident(records: Iterable[AnswerRecord], threshold: float = 0.5) -> list[AnswerRecord]:
    """The wrong answers given with confidence at least `threshold`, most confident first."""
    return sorted((r for r in records if not r.correct and r.confidence >= threshold), key=lambda r: -r.confidence)


def client_note_prompt(holding_text: str) -> str:
    """A closed-book prompt asking to explain a holding to a client in plain English (a task never taught)."""
    return closed_book_prompt(f"Explain to a client in plain English: {holding_text}")


VERDICT_LABELS = {
    "correct": "✅ correct citation",
    "real_but_wrong": "⚠️ real case, but the wrong one",
    "mismatched": "⚠️ a case's name with another case's citation",
    "malformed": "⚠️ shaped like a citation, but written wrongly",
    "fabricated": "❌ fabricated: no such case exists",
    "no_citation": "– no citation in the answer",
}


def describe(record: AnswerRecord, checker: CitationChecker | None = None) -> str:
    """A few lines for a learner: question, answer, confidence, verdict, and the real case next to the cited one."""
    cited = cited_case(record, checker)
    lines = [
        f"question:    {record.question}",
        f"model says:  {record.prediction or '(nothing)'}",
        f"gold answer: {record.gold}   ({'right' if record.correct else 'wrong'})",
        f"confidence:  {record.confidence:.2f} (probability the model gave its whole answer)",
        f"verdict:     {VERDICT_LABELS[record.verdict]}",
        f"real case:   {real_case(record)}",
    ]
    if cited and record.verdict == "real_but_wrong":
        lines.append(f"it cited:    {cited} (a different case)")
    return "\n".join(lines)


VERDICT_COLORS = {"correct": "tab:green", "real_but_wrong": "tab:orange", "mismatched": "tab:purple",
                  "malformed": "tab:olive", "fabricated": "tab:red", "no_citation": "tab:gray"}


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
