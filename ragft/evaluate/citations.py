"""Check the citations and case names in generated text against the case database.

Every citation-shaped string ("[2019] VHC 114") and case-name-shaped string ("Marlow v. Teague") is classified:
"correct" (it is the expected case's), "real_but_wrong" (it belongs to another case), "fabricated" (no such
case, or no such number), "mismatched" (a name followed by the citation of another case) or "malformed" (shaped
like a citation, but written wrongly: "(2019) VHC 114", "[2019]–VHC–114"); when no case is expected, a real one
is "real". The lawyer's failure, made measurable.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ragft.world.load import load_cases
from ragft.world.records import Case

# A well-formed citation, tolerant of spacing slips ("[2019]VHC 114", "[ 2019 ] VHC114") and leading zeros.
# Any number of digits: "[2019] VHC 11400" is a citation of no case (fabricated), not the absence of one.
CITATION_PATTERN = re.compile(r"\[\s*(\d{4})\s*\]\s*([A-Z]{2,4})\s*(\d+)\b")
_WELL_FORMED = re.compile(CITATION_PATTERN.pattern, re.IGNORECASE)  # "[2019] vhc 114" is recognised too
# Anything a citation may be garbled into: a year in square or round brackets, a court code split or joined by
# dashes, dots or line breaks, a number. What matches this but not _WELL_FORMED is "malformed".
_SEPARATORS = r"[\s\-\u2010-\u2015_.,:;/]*"
_CITATION_SHAPED = re.compile(
    rf"[\[(]\s*(\d{{1,6}})\s*[\])]?{_SEPARATORS}((?:[A-Za-z]{_SEPARATORS}){{1,3}}[A-Za-z]){_SEPARATORS}(\d+)"
)
_SURNAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
CASE_NAME_PATTERN = re.compile(rf"\b({_SURNAME})\s+vs?\.?\s+({_SURNAME})\b")
_NAME_THEN_CITATION = re.compile(r"[\s,]*")  # what may stand between a case name and its citation

# An answer is as good as its worst authority; the order below is worst first.
WORST_FIRST = ("fabricated", "mismatched", "real_but_wrong", "malformed", "correct")
VERDICTS = ("correct", "real_but_wrong", "mismatched", "malformed", "fabricated", "no_citation")
CITED_KINDS = ("citation", "case_for_rule")  # question kinds whose gold answer contains a neutral citation


@dataclass(frozen=True)
class CitationFinding:
    """One citation or case name found in a text, and what it turned out to be."""

    kind: str  # "citation" or "case_name"
    text: str  # as written
    normalized: str  # e.g. "[2019] VHC 114" (a malformed citation: what it would read, repaired) or "Marlow v. Teague"
    start: int
    end: int
    status: str  # one of WORST_FIRST, or "real" (when no case was expected)
    case_id: str | None  # the real case it names, if any


def normalize_citation(year: str, court: str, number: str) -> str:
    """The canonical form of a neutral citation."""
    return f"[{int(year)}] {court.upper()} {int(number)}"


class CitationChecker:
    """Finds citations and case names in text and looks them up in a set of cases."""

    def __init__(self, cases: Iterable[Case] | None = None) -> None:
        """Index `cases` (default: every case in `datasets/`) by citation and by name."""
        cases = load_cases() if cases is None else list(cases)
        self.by_citation = {case.citation: case.case_id for case in cases}
        self.by_name = {case.name: case.case_id for case in cases}
        self.courts = {case.court for case in cases}

    def check(self, text: str, expected_case_id: str | None = None) -> list[CitationFinding]:
        """Every citation and case name in `text`, in order of position, each classified."""
        citations = [self._citation(m, expected_case_id) for m in _CITATION_SHAPED.finditer(text)]
        citations = [c for c in citations if c is not None]
        names = [_finding("case_name", m, f"{m.group(1)} v. {m.group(2)}", self.by_name, expected_case_id)
                 for m in CASE_NAME_PATTERN.finditer(text)]
        citations = [_mismatched(c, names, text) for c in citations]
        return sorted(citations + names, key=lambda finding: finding.start)

    def _citation(self, match: re.Match, expected: str | None) -> CitationFinding | None:
        """The finding for one citation-shaped match, or None when its letters are no court code (plain text)."""
        year, letters, number = match.groups()
        court = re.sub(r"[^A-Za-z]", "", letters)
        if court.upper() not in self.courts and not court.isupper():
            return None  # "(2019) the 3 judges": lower-case letters that name no court are not a citation
        finding = _finding("citation", match, normalize_citation(year, court, number), self.by_citation, expected)
        if _WELL_FORMED.fullmatch(match.group(0)):
            return finding
        return replace(finding, status="malformed")

    def verdict(self, text: str, expected_case_id: str) -> str:
        """One verdict per answer: its worst authority (see WORST_FIRST), or "no_citation".

        Only a citation earns "correct"; a case name can only make the verdict worse (a fabricated or another
        case's name, or a name that disagrees with its citation), so a fabricated authority never scores
        "correct" or "no_citation".
        """
        statuses = {f.status for f in self.check(text, expected_case_id)
                    if f.kind == "citation" or f.status != "correct"}
        return next((v for v in WORST_FIRST if v in statuses), "no_citation")


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


def _mismatched(citation: CitationFinding, names: list[CitationFinding], text: str) -> CitationFinding:
    """`citation`, marked "mismatched" when it directly follows the name of another real case."""
    if citation.case_id is None or citation.status == "malformed":
        return citation
    for name in names:
        joined = name.end <= citation.start and _NAME_THEN_CITATION.fullmatch(text, name.end, citation.start)
        if joined and name.case_id is not None and name.case_id != citation.case_id:
            return replace(citation, status="mismatched")
    return citation


def citation_verdict(text: str, expected_case_id: str, checker: CitationChecker | None = None) -> str:
    """The verdict for one answer, checked against `checker` (default: all cases in `datasets/`)."""
    return (checker or _default_checker()).verdict(text, expected_case_id)


def citation_rates(verdicts: Iterable[str]) -> dict[str, float]:
    """The share of each verdict (every key of VERDICTS, summing to 1) over many answers."""
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
