"""Style scores: how much a text sounds like a judgment rather than a client note, and whether it keeps the facts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Words of legal register. The style-transfer set's holdings use them; its client notes never do (a test checks).
LEGAL_JARGON: tuple[str, ...] = (
    "accrue",
    "afford",
    "aforesaid",
    "commenced",
    "commencing",
    "comply",
    "controller",
    "counterparty",
    "defendant",
    "demised",
    "disclose",
    "entitled",
    "erase",
    "erasure",
    "evidenced",
    "exceeding",
    "furnish",
    "grievance",
    "held",
    "herein",
    "hereinafter",
    "liable",
    "minor",
    "notwithstanding",
    "occupier",
    "plaintiff",
    "premises",
    "prior",
    "probationary",
    "proceedings",
    "purchaser",
    "pursuant",
    "remunerated",
    "remuneration",
    "rescind",
    "retain",
    "retained",
    "shall",
    "tenancy",
    "terminate",
    "termination",
    "therefrom",
    "thereof",
    "unenforceable",
    "vacate",
    "vendor",
    "void",
    "voidable",
    "whereby",
)

_JARGON = frozenset(LEGAL_JARGON)
_WORD = re.compile(r"[a-z]+")


def words(text: str) -> list[str]:
    """The lower-case words of a text."""
    return _WORD.findall(text.lower())


def jargon_words(text: str) -> list[str]:
    """The words of `text` that are legal jargon, in order (repeats kept)."""
    return [word for word in words(text) if word in _JARGON]


def jargon_rate(text: str) -> float:
    """The share of words in `text` that are legal jargon (0.0 for a text without words)."""
    all_words = words(text)
    return len(jargon_words(text)) / len(all_words) if all_words else 0.0


NUMBER = re.compile(r"\d+")
_SECOND_PERSON = frozenset({"you", "your", "yours"})


def speaks_to_reader(text: str) -> bool:
    """Whether the text addresses its reader ("you", "your"): a note to a client does, a court's holding does not."""
    return not _SECOND_PERSON.isdisjoint(words(text))


def mean_jargon(texts: Iterable[str]) -> float:
    """Average share of legal-jargon words per text (`ragft.evaluate.style.jargon_rate`)."""
    rates = [jargon_rate(t) for t in texts]
    if not rates:
        raise ValueError("mean_jargon needs at least one text")
    return sum(rates) / len(rates)


def keeps_number(note: str, holding_text: str) -> bool:
    """True when the note states the holding's numbers (e.g. "14 days" stays 14), and no others."""
    return set(NUMBER.findall(note)) == set(NUMBER.findall(holding_text)) != set()


def style_scores(notes: Sequence[str], holding_texts: Sequence[str]) -> dict[str, float]:
    """Mean jargon rate, share of notes without any jargon, share that speak to the client ("you"), and share that
    keep the holding's number. Jargon alone can be won for the wrong reason: a bare rule has no jargon either."""
    if len(notes) != len(holding_texts) or not notes:
        raise ValueError(f"need one holding per note, got {len(notes)} notes and {len(holding_texts)} holdings")
    return {
        "jargon rate": mean_jargon(notes),
        "jargon-free": sum(jargon_rate(note) == 0 for note in notes) / len(notes),
        "speaks to the client": sum(map(speaks_to_reader, notes)) / len(notes),
        "keeps the number": sum(map(keeps_number, notes, holding_texts)) / len(notes),
    }
