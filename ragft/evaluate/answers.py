"""One record per answered question, exact match, and the summaries of many answers (accuracy, confident-wrong).

Closed-book prompts come from `ragft.world.prompts.closed_book_prompt`, the shape of the QA lines in the
pretraining corpus: "Question: {question}\nAnswer:"; the model's greedy continuation up to the line break is its answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ragft.model.gpt import TinyGPT
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import QUESTION_KINDS, Question


class QuestionLike(Protocol):
    """Anything with a question and its gold answer (e.g. the items of `ragft.world.load.load_questions`)."""

    question: str
    answer: str


@dataclass
class QARecord:
    """One question answered: what was asked, expected and predicted, and how sure the model was."""

    question: str
    gold: str
    prediction: str
    correct: bool
    confidence: float  # probability of the whole predicted answer (product of its token probabilities)
    token_probs: list[float]


def normalize(answer: str) -> str:
    """Lower-case, collapse whitespace, strip, and drop a trailing period."""
    answer = re.sub(r"\s+", " ", answer).strip().lower()
    return answer.removesuffix(".").rstrip()


def exact_match(prediction: str, gold: str) -> bool:
    """True when the two answers are equal after `normalize`."""
    return normalize(prediction) == normalize(gold)


def closed_book_records(model: TinyGPT, questions: Sequence[QuestionLike], max_new_tokens: int = 48) -> list[QARecord]:
    """Greedy closed-book answers to `questions`, one record each, in the same order."""
    answers = model.answer_batch([closed_book_prompt(q.question) for q in questions], max_new_tokens)
    return [
        QARecord(
            q.question, q.answer, a.text.strip(), exact_match(a.text, q.answer), a.product_prob, a.token_probs
        )
        for q, a in zip(questions, answers)
    ]


def closed_book_accuracy(model: TinyGPT, questions: Sequence[QuestionLike]) -> float:
    """Fraction of `questions` answered exactly right, closed book."""
    if not questions:
        raise ValueError("closed_book_accuracy needs at least one question")
    records = closed_book_records(model, questions)
    return sum(r.correct for r in records) / len(records)


def confident_wrong_rate(correct: Sequence[bool], confidences: Sequence[float], threshold: float = 0.5) -> float:
    """Share of the wrong answers given with confidence at least `threshold` (nan when no answer is wrong)."""
    if len(correct) != len(confidences):
        raise ValueError(f"{len(correct)} correctness values but {len(confidences)} confidences")
    wrong = [c for ok, c in zip(correct, confidences) if not ok]
    return sum(c >= threshold for c in wrong) / len(wrong) if wrong else float("nan")


def confident_wrong_share(correct: Sequence[bool], confidences: Sequence[float], threshold: float = 0.5) -> float:
    """Share of all answers that are wrong and given with confidence at least `threshold`."""
    if not correct:
        raise ValueError("confident_wrong_share needs at least one answer")
    return sum(not ok and c >= threshold for ok, c in zip(correct, confidences, strict=True)) / len(correct)


def qa_summary(records: Sequence[QARecord], threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, the confident-wrong rate (of wrong answers) and share (of all answers), and how many answers."""
    correct, confidence = [r.correct for r in records], [r.confidence for r in records]
    return {
        "accuracy": sum(correct) / len(records),
        "confident-wrong rate": confident_wrong_rate(correct, confidence, threshold),
        "confident-wrong share": confident_wrong_share(correct, confidence, threshold),
        "questions": len(records),
    }


def closed_book_summary(model: TinyGPT, questions: Sequence[Question], threshold: float = 0.5) -> dict[str, float]:
    """`qa_summary` of the model's closed-book answers."""
    return qa_summary(closed_book_records(model, questions), threshold)


def closed_book_table(model: TinyGPT, groups: dict[str, list[Question]]) -> dict[str, dict[str, float]]:
    """Closed-book exact match of each group: over all its questions and by question kind."""
    table = {}
    for name, questions in groups.items():
        correct = [r.correct for r in closed_book_records(model, questions)]
        row = {"all": sum(correct) / len(correct)}
        for kind in QUESTION_KINDS:
            of_kind = [c for q, c in zip(questions, correct) if q.kind == kind]
            row[kind] = sum(of_kind) / len(of_kind)
        table[name] = {key: round(value, 4) for key, value in row.items()}
    return table
