"""The production bridge: the same index interface as `VectorIndex`, searched by FAISS (`IndexFlatIP`, exact)."""

from __future__ import annotations

import numpy as np

from ragft.rag.dense import VectorIndex

FAISS_PACKAGE = "faiss-cpu==1.15.1"


def import_faiss():
    """The `faiss` module, or an error that says how to install it."""
    try:
        import faiss
    except ImportError as err:
        raise ImportError(f"FaissIndex needs the FAISS library. Fix: pip install {FAISS_PACKAGE}") from err
    return faiss


class FaissIndex(VectorIndex):
    """Exact inner-product search in FAISS on normalised vectors, i.e. cosine similarity, like `VectorIndex`.

    Only the order of equal scores may differ from `VectorIndex`'s (FAISS does not promise insertion order).
    """

    def __init__(self, dim: int | None = None) -> None:
        self._faiss = import_faiss()
        super().__init__(dim)
        self._index = None  # created by the first `add`, once the dimension is known

    def _add_unit_vectors(self, unit: np.ndarray) -> None:
        if self._index is None:
            self._index = self._faiss.IndexFlatIP(unit.shape[1])
        self._index.add(unit)

    def _top_k(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores, positions = self._index.search(queries, k)
        return positions, scores
