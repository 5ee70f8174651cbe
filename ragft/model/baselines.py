"""Count-based baselines that a trained language model must beat."""

import math

import numpy as np


def uniform_loss(vocab_size: int) -> float:
    """Cross-entropy (nats per token) of guessing uniformly over the vocabulary: ln V."""
    return math.log(vocab_size)


def bigram_loss(train_ids: np.ndarray, val_ids: np.ndarray, vocab_size: int, k: float = 0.1) -> float:
    """Validation cross-entropy (nats per token) of a bigram count model with add-k smoothing.

    P(b | a) = (count(a, b) + k) / (count(a) + k * V), counted on consecutive pairs of `train_ids`.
    """
    train_ids, val_ids = np.asarray(train_ids, dtype=np.int64), np.asarray(val_ids, dtype=np.int64)
    # A pair (a, b) gets the code a * V + b; counting unique codes avoids a dense V x V table.
    pair_codes, pair_counts = np.unique(train_ids[:-1] * vocab_size + train_ids[1:], return_counts=True)
    first_counts = np.bincount(train_ids[:-1], minlength=vocab_size)
    val_codes = val_ids[:-1] * vocab_size + val_ids[1:]
    where = np.searchsorted(pair_codes, val_codes).clip(max=len(pair_codes) - 1)
    seen = pair_codes[where] == val_codes
    counts = np.where(seen, pair_counts[where], 0)
    probs = (counts + k) / (first_counts[val_ids[:-1]] + k * vocab_size)
    return float(-np.log(probs).mean())
