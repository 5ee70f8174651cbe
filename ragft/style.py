"""A legal-jargon word list and a style score: how much a text sounds like a judgment rather than a client note."""

from __future__ import annotations

import re

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


_SECOND_PERSON = frozenset({"you", "your", "yours"})


def speaks_to_reader(text: str) -> bool:
    """Whether the text addresses its reader ("you", "your"): a note to a client does, a court's holding does not."""
    return not _SECOND_PERSON.isdisjoint(words(text))
