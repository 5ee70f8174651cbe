"""How the corpus writes a question and an answer: the prompt formats every chapter uses."""

from __future__ import annotations

from collections.abc import Sequence


def closed_book_prompt(question: str) -> str:
    """The prompt for a closed-book question, exactly as the pretraining corpus writes it."""
    return f"Question: {question}\nAnswer:"


def reading_prompt(passages: Sequence[str], question: str) -> str:
    """The prompt for a question over retrieved passages, exactly as the corpus's reading documents write it."""
    return f"Context: {' '.join(passages)}\nQuestion: {question}\nAnswer:"


def task_format_target(holding: str, name: str, citation: str) -> str:
    """The fixed answer format that task-specific fine-tuning teaches."""
    return f"Holding: {holding}. Authority: {name} {citation}"
