"""Dense retrieval: exact cosine top-k search in NumPy, and a retriever that embeds the query first."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ragft.rag.embeddings import Embedder, normalize_rows
from ragft.rag.retriever import Hit, check_ids, check_k, top_k


def as_unit_rows(vectors: np.ndarray, dim: int | None, name: str) -> np.ndarray:
    """`vectors` checked to be a finite (n, dim) float array, returned as float32 rows of length 1."""
    array = np.asarray(vectors)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must hold floating-point numbers, got dtype {array.dtype}. "
                        f"Fix: np.asarray({name}, dtype=np.float32)")
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array with one vector per row, got shape {array.shape}. "
                         "For a single vector v pass v[None, :]")
    if dim is not None and array.shape[1] != dim:
        raise ValueError(f"{name} have {array.shape[1]} dimensions but the index holds {dim}-dimensional vectors: "
                         "embed queries and passages with the same model")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    return normalize_rows(array)


class VectorIndex:
    """Exact cosine search in NumPy: each query is compared with every stored vector (one matrix product)."""

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim  # fixed by the first `add` when None
        self.ids: list[str] = []
        self._vectors = np.empty((0, dim or 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Store one vector per id (normalised, so search scores are cosine similarities)."""
        unit = as_unit_rows(vectors, self.dim, "vectors")
        self.ids += check_ids(ids, len(unit), existing=self.ids)
        self.dim = unit.shape[1]
        self._add_unit_vectors(unit)

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[list[list[str]], np.ndarray]:
        """Per query row: the ids of the k most similar vectors (best first, ties by insertion) and their scores."""
        check_k(k)
        if not self.ids:
            raise ValueError("the index is empty: add vectors first with index.add(ids, vectors)")
        positions, scores = self._top_k(as_unit_rows(query_vectors, self.dim, "query_vectors"), min(k, len(self)))
        return [[self.ids[p] for p in row] for row in positions], scores

    def _add_unit_vectors(self, unit: np.ndarray) -> None:
        self._vectors = np.concatenate([self._vectors, unit]) if len(self._vectors) else unit

    def _top_k(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and scores of the k best stored vectors for each (unit) query row."""
        similarities = queries @ self._vectors.T  # (n_queries, n_vectors) cosine similarities
        positions = np.stack([top_k(row, k) for row in similarities])
        return positions, np.take_along_axis(similarities, positions, axis=1)


class DenseRetriever:
    """Semantic search over texts: embed them once, then return the passages nearest to the embedded query."""

    def __init__(
        self,
        texts: Sequence[str],
        ids: Sequence[str] | None = None,
        embedder: Embedder | None = None,
        index: VectorIndex | None = None,
    ) -> None:
        self.embedder = embedder or Embedder()
        self.index = index if index is not None else VectorIndex()  # or an empty FaissIndex
        self.texts: dict[str, str] = {}
        self.add(texts, ids)

    def add(self, texts: Sequence[str], ids: Sequence[str] | None = None) -> None:
        """Embed and index more passages: new knowledge without retraining anything."""
        ids = check_ids(ids, len(texts), existing=self.index.ids)
        self.index.add(ids, self.embedder.embed_corpus(texts))
        self.texts.update(zip(ids, texts))

    def search(self, query: str, k: int) -> list[Hit]:
        """The k passages whose embeddings have the highest cosine similarity with the query's."""
        (ids,), (scores,) = self.index.search(self.embedder.embed([query]), k)
        return [Hit(i, float(s), self.texts[i]) for i, s in zip(ids, scores)]
