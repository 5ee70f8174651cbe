"""Vectors at scale from a few real ones, and a `DocIndex` filled with given vectors, to time indexes on them.

Chapter 06 and benchmarks/scale.py measure NumPy, FAISS and LanceDB at 1k to 100k chunks. Embedding 100k chunks
would take hours on a laptop CPU, so the larger sizes are synthesised: the real vectors, then copies of randomly
drawn real ones plus Gaussian noise, renormalised to length 1. The data keeps the clusters of real text instead of
being uniform on the sphere (where approximate indexes look better or worse than on text).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ragft.rag.doc_index import DocIndex
from ragft.rag.documents import DocChunk
from ragft.rag.embeddings import Embedder

NOISE = 0.02  # standard deviation per dimension: about 0.4 in length for 384 dimensions
SOURCES = 50  # the chunks of `vector_doc_index` are spread over this many sources, as a folder of files would be


def synthesise(real: np.ndarray, size: int, rng: np.random.Generator, noise: float = NOISE) -> np.ndarray:
    """`size` unit vectors: the real ones first (at most `size`), then noisy copies of randomly drawn real ones."""
    real = np.asarray(real, dtype=np.float32)
    extra = real[rng.integers(len(real), size=max(size - len(real), 0))]
    noisy = extra + rng.normal(0, noise, size=extra.shape).astype(np.float32)
    vectors = np.concatenate([real[:size], noisy / np.linalg.norm(noisy, axis=1, keepdims=True)])
    return np.ascontiguousarray(vectors, dtype=np.float32)


def vector_doc_index(folder: str | Path, vectors: np.ndarray, ids: list[str]) -> DocIndex:
    """A `DocIndex` in `folder` holding `vectors` under `ids`, filled through `sync` as the tool fills it (the
    chunks spread over SOURCES sources); its embedder looks the vectors up instead of embedding text."""
    if len(ids) != len(vectors):
        raise ValueError(f"got {len(ids)} ids for {len(vectors)} vectors: give one id per vector")
    files: dict[str, tuple[str, list[DocChunk]]] = {}
    for row, chunk_id in enumerate(ids):
        source = f"doc{row % SOURCES}.md"
        # A chunk's text is the row of its vector, which the index's embedder looks up.
        files.setdefault(source, ("v1", []))[1].append(DocChunk(chunk_id, str(row), source, ""))
    lookup = Embedder(lambda texts: vectors[[int(t) for t in texts]], name="given vectors",
                      batch_size=max(len(vectors), 1), cache_dir=None)
    index = DocIndex(folder, lookup)
    index.sync(files)
    return index
