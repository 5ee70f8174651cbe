"""The three groups of questions the story compares: known cases with and without QA in the corpus, and new cases."""

from __future__ import annotations

from pathlib import Path

from ragft.world.load import load_questions
from ragft.world.records import Question

# Known cases whose questions the corpus holds, known cases it only tells as prose, cases after the cutoff.
GROUPS = ("known, QA in corpus", "known, no QA in corpus", "new")


def group_of(question: Question) -> str:
    """The question's group: known case with its QA in the corpus, known case without, or new case."""
    if question.case_split == "new":
        return GROUPS[2]
    return GROUPS[0] if question.qa_in_corpus else GROUPS[1]


def question_groups(datasets_dir: str | Path | None = None) -> dict[str, list[Question]]:
    """Every question, by group (in the order of GROUPS)."""
    questions = load_questions(datasets_dir=datasets_dir)
    return {group: [q for q in questions if group_of(q) == group] for group in GROUPS}
