"""The answer format "Holding: <rule>. Authority: <name> <citation>": is an answer in it, and is it right?"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ragft.evaluate.citations import CASE_NAME_PATTERN, CITATION_PATTERN
from ragft.world.records import Case


# The answer format of the task-specific fine-tuning set (ragft.world.prompts.task_format_target), as a pattern.
FORMAT_PATTERN = re.compile(
    rf"^Holding: (?P<holding>.+)\. Authority: "
    rf"(?P<name>{CASE_NAME_PATTERN.pattern})\s+(?P<citation>{CITATION_PATTERN.pattern})$"
)


def is_format_compliant(text: str) -> bool:
    """True when `text` is exactly "Holding: <rule>. Authority: <Name v. Name> <[year] COURT number>"."""
    return FORMAT_PATTERN.match(text.strip()) is not None


def format_compliance(texts: Iterable[str]) -> float:
    """Share of `texts` in the required "Holding: … Authority: …" format."""
    texts = list(texts)
    if not texts:
        raise ValueError("format_compliance needs at least one text")
    return sum(map(is_format_compliant, texts)) / len(texts)


def parse_formatted(text: str) -> dict[str, str] | None:
    """The holding, case name and citation of a "Holding: … Authority: …" answer, or None if it is not one."""
    match = FORMAT_PATTERN.match(text.strip())
    if match is None:
        return None
    return {"holding": match["holding"], "name": match["name"], "citation": match["citation"]}


def format_scores(answers: Sequence[str], cases: Sequence[Case]) -> dict[str, float]:
    """Share of answers in the format, and of answers whose holding, authority (name and citation), or both are right."""
    if len(answers) != len(cases) or not answers:
        raise ValueError(f"need one case per answer, got {len(answers)} answers and {len(cases)} cases")
    parsed = [parse_formatted(a) for a in answers]
    holding = [p is not None and p["holding"] == c.holding for p, c in zip(parsed, cases)]
    authority = [p is not None and (p["name"], p["citation"]) == (c.name, c.citation) for p, c in zip(parsed, cases)]
    n = len(answers)
    return {
        "format compliance": format_compliance(answers),
        "holding correct": sum(holding) / n,
        "authority correct": sum(authority) / n,
        "both correct": sum(h and a for h, a in zip(holding, authority)) / n,
    }
