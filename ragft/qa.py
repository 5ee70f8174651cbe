"""Closed-book question answering: the model answers from what it memorised, with no documents to read.

Prompts come from `ragft.data.closed_book_prompt`, the shape of the QA lines in the pretraining corpus:
"Question: {question}\nAnswer:"; the model's greedy continuation up to the line break is its answer.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ragft.data import closed_book_prompt
from ragft.gpt import TinyGPT


class QuestionLike(Protocol):
    """Anything with a question and its gold answer (e.g. the items of `ragft.data.load_questions`)."""

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
