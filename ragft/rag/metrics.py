"""Retrieval metrics averaged over queries (recall@k, MRR), and a check that two top-k lists agree up to ties."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from ragft.rag.retriever import check_k


def _check_queries(retrieved_ids: Sequence[Sequence[str]], gold_ids: Sequence[Collection[str]]) -> None:
    """One retrieved list and one non-empty set of gold ids per query."""
    if len(retrieved_ids) != len(gold_ids):
        raise ValueError(
            f"got {len(retrieved_ids)} retrieved lists but {len(gold_ids)} gold sets: need one of each per query"
        )
    if not gold_ids:
        raise ValueError("no queries to evaluate")
    for i, gold in enumerate(gold_ids):
        if isinstance(gold, str) or not gold:
            raise ValueError(f"query {i}: gold ids must be a non-empty collection of ids, got {gold!r} "
                             "(for a single id write [id])")


def recall_at_k(retrieved_ids: Sequence[Sequence[str]], gold_ids: Sequence[Collection[str]], k: int) -> float:
    """Mean over queries of the fraction of gold ids among the first k retrieved."""
    check_k(k)
    _check_queries(retrieved_ids, gold_ids)
    recalls = [len(set(ids[:k]) & set(gold)) / len(set(gold)) for ids, gold in zip(retrieved_ids, gold_ids)]
    return float(np.mean(recalls))


def mrr(retrieved_ids: Sequence[Sequence[str]], gold_ids: Sequence[Collection[str]], k: int | None = None) -> float:
    """Mean reciprocal rank of the first gold id retrieved (a query scores 0 if none is in its first k)."""
    if k is not None:
        check_k(k)
    _check_queries(retrieved_ids, gold_ids)
    reciprocal_ranks = []
    for ids, gold in zip(retrieved_ids, gold_ids):
        gold = set(gold)
        rank = next((rank for rank, doc_id in enumerate(ids[:k], start=1) if doc_id in gold), None)
        reciprocal_ranks.append(0.0 if rank is None else 1 / rank)
    return float(np.mean(reciprocal_ranks))


def same_top_k(
    ids_a: Sequence[str],
    scores_a: Sequence[float],
    ids_b: Sequence[str],
    scores_b: Sequence[float],
    atol: float = 1e-5,
) -> bool:
    """True when two best-first top-k lists differ at most in how tied scores (within `atol`) were ordered or cut."""
    if len(ids_a) != len(ids_b) or not np.allclose(scores_a, scores_b, rtol=0, atol=atol):
        return False
    score_b = dict(zip(ids_b, scores_b))
    cutoff = scores_b[-1] if len(scores_b) else 0.0
    # An id missing from b is fine only if it ties with b's last score: either could have taken the last place.
    return all(abs(score_b.get(doc_id, cutoff) - score) <= atol for doc_id, score in zip(ids_a, scores_a))
