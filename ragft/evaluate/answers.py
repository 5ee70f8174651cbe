"""One record per answered question, exact match, and the summaries of many answers (accuracy, confident-wrong).

Closed-book prompts come from `ragft.world.prompts.closed_book_prompt`, the shape of the QA lines in the
pretraining corpus: "Question: {question}\nAnswer:"; the model's greedy continuation up to the line break is its answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ragft.model.gpt import Answer, TinyGPT
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import QUESTION_KINDS, Question


class QuestionLike(Protocol):
    """Anything with a question and its gold answer (e.g. the items of `ragft.world.load.load_questions`)."""

    question: str
    answer: str


@dataclass(frozen=True)
class AnswerRecord:
    """One question answered, the course's one record of it: what was asked, expected and predicted, whether it was
    right and how sure the model was; then what a measurement adds (the question's ids, its citation verdict,
    what RAG put in the prompt). Fields a measurement does not use keep their defaults."""

    question: str
    gold: str
    prediction: str
    correct: bool  # exact match (`exact_match`)
    token_probs: tuple[float, ...] = ()  # the probability the model gave each token of its answer (empty: not known)
    question_id: str = ""
    case_id: str = ""
    kind: str = ""  # the question kind: "citation", "year", "rule" or "case_for_rule"
    group: str = ""  # chapter 02's question group (`ragft.world.groups.GROUPS`)
    verdict: str | None = None  # one of ragft.evaluate.citations.VERDICTS; None: not checked
    passage_ids: tuple[str, ...] = ()  # what RAG retrieved, best first (empty for closed book)
    gold_retrieved: bool | None = None  # did RAG's context hold a gold passage? (None for closed book)
    prompt: str = ""

    @property
    def confidence(self) -> float:
        """Probability of the whole answer: the product of its token probabilities (0 for an empty answer)."""
        return math.prod(self.token_probs) if self.token_probs else 0.0

    @property
    def fluency(self) -> float:
        """Average probability of the answer's tokens: how natural the answer reads to the model (0 if empty)."""
        return sum(self.token_probs) / len(self.token_probs) if self.token_probs else 0.0


def normalize(answer: str) -> str:
    """Lower-case, collapse whitespace, strip, and drop a trailing period."""
    answer = re.sub(r"\s+", " ", answer).strip().lower()
    return answer.removesuffix(".").rstrip()


def exact_match(prediction: str, gold: str) -> bool:
    """True when the two answers are equal after `normalize`."""
    return normalize(prediction) == normalize(gold)


def answer_record(question: QuestionLike, answer: Answer, **measured) -> AnswerRecord:
    """The record of a model's `answer` to `question`, with the question's ids when it has them (a dataset
    `Question` does) and any `measured` fields."""
    ids = {name: getattr(question, name) for name in ("question_id", "case_id", "kind") if hasattr(question, name)}
    return AnswerRecord(question.question, question.answer, answer.text.strip(), exact_match(answer.text, question.answer),
                        tuple(answer.token_probs), **ids, **measured)


def closed_book_records(model: TinyGPT, questions: Sequence[QuestionLike],
                        max_new_tokens: int = 48) -> list[AnswerRecord]:
    """Greedy closed-book answers to `questions`, one record each, in the same order."""
    answers = model.answer_batch([closed_book_prompt(q.question) for q in questions], max_new_tokens)
    return [answer_record(q, a) for q, a in zip(questions, answers)]


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


def qa_summary(records: Sequence[AnswerRecord], threshold: float = 0.5) -> dict[str, float]:
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
