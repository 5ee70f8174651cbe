"""Hybrid retrieval: fuse the rankings of several retrievers (e.g. dense + BM25) by reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Sequence

from ragft.rag.retriever import Hit, Retriever, check_k


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each id scores sum(1 / (k + rank)) over the rankings it is in (ranks from 1), best first.

    Only ranks count, not scores, so retrievers whose scores are on different scales fuse fairly; a large k
    flattens the difference between rank 1 and rank 10. Equal fused scores keep the order in which ids first appear.
    """
    if k < 0:
        raise ValueError(f"the RRF constant k must be >= 0, got {k}")
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])  # sorted() is stable


class HybridRetriever:
    """Asks every retriever for its `depth` best passages and fuses their rankings with RRF."""

    def __init__(self, *retrievers: Retriever, depth: int = 50, rrf_k: int = 60) -> None:
        if not retrievers:
            raise ValueError("HybridRetriever needs at least one retriever, e.g. HybridRetriever(dense, bm25)")
        check_k(depth)
        self.retrievers, self.depth, self.rrf_k = retrievers, depth, rrf_k

    def search(self, query: str, k: int) -> list[Hit]:
        """The k passages with the highest fused score (their `score` is the RRF score)."""
        check_k(k)
        results = [retriever.search(query, max(k, self.depth)) for retriever in self.retrievers]
        texts = {hit.id: hit.text for hits in results for hit in hits}
        fused = rrf([[hit.id for hit in hits] for hits in results], self.rrf_k)
        return [Hit(doc_id, score, texts[doc_id]) for doc_id, score in fused[:k]]
