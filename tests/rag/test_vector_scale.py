"""Synthesised vectors keep the real ones and stay on the unit sphere; a DocIndex filled with given vectors searches
them exactly like chapter 03's NumPy index."""

import numpy as np
import pytest

from ragft.rag.doc_index import same_results_as_numpy
from ragft.rag.vector_scale import SOURCES, synthesise, vector_doc_index


def unit_rows(n, dim=16, seed=0):
    rows = np.random.default_rng(seed).normal(size=(n, dim))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_synthesise_keeps_the_real_vectors_first_and_adds_unit_noisy_copies_near_them():
    real = unit_rows(20)
    vectors = synthesise(real, 200, np.random.default_rng(1))
    assert vectors.shape == (200, 16) and vectors.dtype == np.float32 and vectors.flags["C_CONTIGUOUS"]
    assert np.array_equal(vectors[:20], real)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    nearest = (vectors[20:] @ real.T).max(axis=1)
    assert nearest.min() > 0.9, "each copy stays close to the real vector it came from"
    assert np.array_equal(vectors, synthesise(real, 200, np.random.default_rng(1))), "same seed, same vectors"
    assert np.array_equal(synthesise(real, 5, np.random.default_rng(1)), real[:5])


def test_a_doc_index_of_given_vectors_has_numpys_top_k_and_spreads_them_over_sources(tmp_path):
    vectors = synthesise(unit_rows(30), 300, np.random.default_rng(2))
    ids = [f"chunk{i}" for i in range(len(vectors))]
    index = vector_doc_index(tmp_path / "index", vectors, ids)
    assert len(index) == 300 and len(index.sources) == SOURCES
    same, max_diff = same_results_as_numpy(index, unit_rows(5, seed=3), k=10)
    assert same and max_diff < 1e-5
    with pytest.raises(ValueError, match="one id per vector"):
        vector_doc_index(tmp_path / "other", vectors, ids[:-1])
