"""Is an answer about the law up to date? Compare the rule it states with the rule's line of decisions.

A question about the law ("how long can my landlord keep my deposit?") has one right answer today: the holding
of the latest decision on the rule. The rule's earlier decisions were overruled; an answer that states one of
them is **out of date**, although it repeats a real holding of a real case. Anything else is **wrong**.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from dataclasses import replace

from ragft.evaluate.answers import AnswerRecord, closed_book_records, normalize
from ragft.evaluate.intervals import rate_with_interval
from ragft.model.gpt import TinyGPT

LAW_VERDICTS = ("up to date", "out of date", "wrong")


class RuleQuestion(Protocol):
    """A question with the rule that governs today and the rule's overruled holdings (e.g. `LawQuestion`)."""

    question: str
    answer: str
    overruled_answers: Sequence[str]


class LawQuestionLike(RuleQuestion, Protocol):
    """A `RuleQuestion` that knows its history (e.g. `ragft.world.records.LawQuestion`)."""

    answer_at_cutoff: str
    changed_after_cutoff: bool
    in_corpus: bool


def _first_position(holding: str, answer: str) -> int | None:
    """Where the holding stands in the answer as whole words ("within 14 days" is not in "within 140 days")."""
    match = re.search(rf"(?<![\w]){re.escape(normalize(holding))}(?![\w])", normalize(answer))
    return match.start() if match else None


def law_verdict(answer: str, question: RuleQuestion) -> str:
    """"up to date" if the answer states the governing holding, "out of date" if it states an overruled one, else
    "wrong". An answer that states several holdings is judged by the first it states, as a reader would."""
    stated = [(pos, verdict) for holding, verdict in [(question.answer, "up to date"),
                                                      *((h, "out of date") for h in question.overruled_answers)]
              if (pos := _first_position(holding, answer)) is not None]
    return min(stated)[1] if stated else "wrong"


def law_counts(verdicts: Sequence[str]) -> dict[str, int]:
    """How many answers got each verdict, in the order of LAW_VERDICTS."""
    unknown = set(verdicts) - set(LAW_VERDICTS)
    if unknown:
        raise ValueError(f"not a law verdict: {sorted(unknown)[0]!r} (expected one of {LAW_VERDICTS})")
    counts = Counter(verdicts)
    return {verdict: counts[verdict] for verdict in LAW_VERDICTS}


def with_law_verdicts(records: Sequence[AnswerRecord], questions: Sequence[RuleQuestion]) -> list[AnswerRecord]:
    """The records with each answer's law verdict as its `verdict`."""
    return [replace(r, verdict=law_verdict(r.prediction, q)) for r, q in zip(records, questions, strict=True)]


def closed_book_law_records(model: TinyGPT, questions: Sequence[RuleQuestion]) -> list[AnswerRecord]:
    """The model's closed-book answers to questions about the law, each with its law verdict."""
    return with_law_verdicts(closed_book_records(model, questions), questions)


LAW_GROUPS = {  # the questions a law table splits, by what the corpus could have taught
    "rule unchanged since the cutoff": lambda q: not q.changed_after_cutoff,
    "rule changed after the cutoff": lambda q: q.changed_after_cutoff,
}


def law_table(records: Sequence[AnswerRecord], questions: Sequence[LawQuestionLike]) -> dict[str, dict[str, int]]:
    """Verdict counts per group of questions (LAW_GROUPS, then "all"), with the question count as "questions"."""
    table = {}
    for group, belongs in [*LAW_GROUPS.items(), ("all", lambda q: True)]:
        verdicts = [r.verdict for r, q in zip(records, questions, strict=True) if belongs(q)]
        table[group] = {"questions": len(verdicts), **law_counts(verdicts)}
    return table


def baseline_records(questions: Sequence[LawQuestionLike], answer_of) -> list[AnswerRecord]:
    """Records of a trivial answerer (`answer_of(question) -> answer`), judged like a model's answers."""
    return with_law_verdicts([AnswerRecord(q.question, q.answer, answer_of(q), normalize(answer_of(q)) == normalize(q.answer))
                              for q in questions], questions)


BASELINES = {  # answerers that need no model: what a perfect memory of the corpus, or of the first case, would say
    "the rule as at the cutoff": lambda q: q.answer_at_cutoff,
    "the rule's first decision": lambda q: q.overruled_answers[0] if q.overruled_answers else q.answer,
}


def law_rows(tables: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, str]]:
    """{answerer: law_table} as printable rows, one per answerer and group: each verdict's count, rate and 95%
    interval (`ragft.evaluate.tables.format_table` prints them)."""
    return {f"{name} · {group}": {verdict: rate_with_interval(row[verdict], row["questions"]) for verdict in LAW_VERDICTS}
            for name, table in tables.items() for group, row in table.items()}
