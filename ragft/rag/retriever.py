"""What every retriever returns and promises: `search(query, k) -> list[Hit]`, best first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: its id, its score (higher is better) and its text."""

    id: str
    score: float
    text: str = field(default="", repr=False)


@runtime_checkable
class Retriever(Protocol):
    """Anything that finds the k passages most relevant to a text query (dense, BM25, hybrid, FAISS-backed)."""

    def search(self, query: str, k: int) -> list[Hit]: ...


def check_k(k: int) -> None:
    """`k` must be a positive whole number."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer (how many passages to return), got {k!r}")


def check_ids(ids: Sequence[str] | None, count: int, existing: Sequence[str] = ()) -> list[str]:
    """`ids` as a list, one per item, unique and new to `existing`; None numbers the items on from len(existing)."""
    if isinstance(ids, str):
        raise TypeError(f"ids must be a list of ids, one per item, got the single string {ids!r}")
    ids = [str(i) for i in range(len(existing), len(existing) + count)] if ids is None else list(ids)
    if len(ids) != count:
        raise ValueError(f"got {len(ids)} ids for {count} items: pass exactly one id per item")
    seen = set(existing)
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate id {i!r}: every passage needs its own id")
        seen.add(i)
    return ids


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first; equal scores keep index order (stable tie-breaking)."""
    n = len(scores)
    if k >= n:
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, n - k)[n - k]  # the k-th highest score
    candidates = np.flatnonzero(scores >= kth)  # the top k and everything tied with the k-th, in index order
    return candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
