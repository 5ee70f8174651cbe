"""Check the citations and case names in generated text against the case database.

Every citation-shaped string ("[2019] VHC 114") and case-name-shaped string ("Marlow v. Teague") is classified:
"correct" (it is the expected case's), "real_but_wrong" (it belongs to another case) or "fabricated" (no such
case) — or, when no case is expected, "real" or "fabricated". The lawyer's failure, made measurable.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ragft.world.load import load_cases
from ragft.world.records import Case

# Tolerant of spacing slips such as "[2019]VHC 114" or "[ 2019 ] VHC114".
CITATION_PATTERN = re.compile(r"\[\s*(\d{4})\s*\]\s*([A-Z]{2,4})\s*(\d{1,4})\b")
_SURNAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
CASE_NAME_PATTERN = re.compile(rf"\b({_SURNAME})\s+vs?\.?\s+({_SURNAME})\b")
VERDICTS = ("correct", "real_but_wrong", "fabricated", "no_citation")
CITED_KINDS = ("citation", "case_for_rule")  # question kinds whose gold answer contains a neutral citation


@dataclass(frozen=True)
class CitationFinding:
    """One citation or case name found in a text, and what it turned out to be."""

    kind: str  # "citation" or "case_name"
    text: str  # as written
    normalized: str  # e.g. "[2019] VHC 114" or "Marlow v. Teague"
    start: int
    end: int
    status: str  # "correct" | "real_but_wrong" | "fabricated" | "real" (when no case was expected)
    case_id: str | None  # the real case it names, if any


def normalize_citation(year: str, court: str, number: str) -> str:
    """The canonical form of a neutral citation."""
    return f"[{int(year)}] {court} {int(number)}"


class CitationChecker:
    """Finds citations and case names in text and looks them up in a set of cases."""

    def __init__(self, cases: Iterable[Case] | None = None) -> None:
        """Index `cases` (default: every case in `datasets/`) by citation and by name."""
        cases = load_cases() if cases is None else list(cases)
        self.by_citation = {case.citation: case.case_id for case in cases}
        self.by_name = {case.name: case.case_id for case in cases}

    def check(self, text: str, expected_case_id: str | None = None) -> list[CitationFinding]:
        """Every citation and case name in `text`, in order of position, each classified."""
        found = [
            self._finding("citation", m, normalize_citation(*m.groups()), self.by_citation, expected_case_id)
            for m in CITATION_PATTERN.finditer(text)
        ]
        found += [
            self._finding("case_name", m, f"{m.group(1)} v. {m.group(2)}", self.by_name, expected_case_id)
            for m in CASE_NAME_PATTERN.finditer(text)
        ]
        return sorted(found, key=lambda finding: finding.start)

    @staticmethod
    def _finding(
        kind: str, match: re.Match, normalized: str, index: dict[str, str], expected: str | None
    ) -> CitationFinding:
        """Classify one match by looking its normalized form up in `index`."""
        case_id = index.get(normalized)
        if case_id is None:
            status = "fabricated"
        elif expected is None:
            status = "real"
        else:
            status = "correct" if case_id == expected else "real_but_wrong"
        return CitationFinding(kind, match.group(0), normalized, match.start(), match.end(), status, case_id)

    def verdict(self, text: str, expected_case_id: str) -> str:
        """One verdict per answer from its citations (names are ignored): the worst one found, or "no_citation".

        Worst first: "fabricated", then "real_but_wrong", then "correct" — an answer is as good as its worst citation.
        """
        statuses = {f.status for f in self.check(text, expected_case_id) if f.kind == "citation"}
        return next((v for v in ("fabricated", "real_but_wrong", "correct") if v in statuses), "no_citation")


def citation_verdict(text: str, expected_case_id: str, checker: CitationChecker | None = None) -> str:
    """The verdict for one answer, checked against `checker` (default: all cases in `datasets/`)."""
    return (checker or _default_checker()).verdict(text, expected_case_id)


def citation_rates(verdicts: Iterable[str]) -> dict[str, float]:
    """The share of each verdict (all four keys, summing to 1) over many answers."""
    counts = Counter(verdicts)
    unknown = set(counts) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdicts {sorted(unknown)}; expected some of {VERDICTS}")
    total = sum(counts.values())
    if total == 0:
        raise ValueError("no verdicts to compute rates from")
    return {verdict: counts[verdict] / total for verdict in VERDICTS}


@functools.lru_cache(maxsize=1)
def _default_checker() -> CitationChecker:
    """A checker over `datasets/`, built once."""
    return CitationChecker()
