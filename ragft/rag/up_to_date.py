"""Retrieval that knows which passages are still the law: filter the candidates by the knowledge base's metadata.

A retriever ranks passages by how well they match the question, and an overruled decision matches as well as the
one that overruled it (the same rule, another number). Its metadata tells them apart: each passage of the knowledge
base carries the year of its decision and the passage of the decision that overruled it, if any
(`ragft.world.records.Passage`). Nothing is re-embedded or re-indexed: the base retriever's candidates are filtered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ragft.rag.retriever import Hit, Retriever, check_k


class DatedPassage(Protocol):
    """A passage with the metadata the filter reads (e.g. `ragft.world.records.Passage`)."""

    passage_id: str
    year: int | None  # None: not a decision (a statute), always current
    overruled_by: str | None


class UpToDateRetriever:
    """Wraps a retriever and drops the passages that are not the law at `as_of`, keeping the order of the rest.

    A passage is out of date when the decision that overruled it was given by the end of `as_of`, or when its own
    decision came later (the law as it stood then did not know it). `as_of=None` means today: every overruled
    passage is dropped. The base retriever is asked for k candidates plus as many as can be out of date, so k
    current passages come back whenever the base retriever has them.
    """

    def __init__(self, retriever: Retriever, passages: Sequence[DatedPassage], as_of: int | None = None) -> None:
        self.retriever, self.as_of = retriever, as_of
        self.passages = {p.passage_id: p for p in passages}
        if missing := [p.overruled_by for p in passages if p.overruled_by and p.overruled_by not in self.passages]:
            raise ValueError(f"passage {missing[0]!r} overrules a passage but is not among the passages given")
        self.out_of_date = sum(not self.is_current(passage_id) for passage_id in self.passages)

    def is_current(self, passage_id: str) -> bool:
        """Whether the passage states the law at `as_of` (unknown ids count as current: nothing says otherwise)."""
        passage = self.passages.get(passage_id)
        if passage is None or passage.year is None:
            return True
        if self.as_of is None:
            return passage.overruled_by is None
        overruling = self.passages[passage.overruled_by] if passage.overruled_by else None
        return passage.year <= self.as_of and (overruling is None or overruling.year > self.as_of)

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best current passages, in the base retriever's order."""
        check_k(k)
        return [hit for hit in self.retriever.search(query, k + self.out_of_date) if self.is_current(hit.id)][:k]
