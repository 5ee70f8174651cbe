"""Domain adaptation: continued pretraining on the new cases' documents, with some of the corpus replayed."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from ragft.model.gpt import TinyGPT
from ragft.model.tokenizer import encode_documents
from ragft.seed import DEFAULT_SEED
from ragft.world.load import load_domain_documents, load_pretrain_corpus


def domain_texts() -> list[str]:
    """Domain adaptation: the paraphrased documents about the new cases (continued pretraining)."""
    return [doc.text for doc in load_domain_documents()]


def domain_mix(replay: float = 0.5, seed: int = DEFAULT_SEED) -> list[str]:
    """The domain documents plus pretraining documents worth `replay` times their length, shuffled (seeded).

    Replaying some of the original corpus is the usual guard against forgetting in continued pretraining: the
    model keeps seeing questions and answers in the format it was pretrained on, so it can still answer them.
    """
    domain = domain_texts()
    corpus = [doc.text for doc in load_pretrain_corpus("train")]
    rng = random.Random(f"{seed}/replay")
    rng.shuffle(corpus)
    budget, picked = replay * sum(map(len, domain)), []
    for text in corpus:
        if sum(map(len, picked)) >= budget:
            break
        picked.append(text)
    texts = domain + picked
    rng.shuffle(texts)
    return texts


def domain_ids(model: TinyGPT, texts: Sequence[str] | None = None) -> np.ndarray:
    """The domain documents as one token stream, each followed by <|endoftext|> (as the pretraining corpus)."""
    return encode_documents(model.tokenizer, domain_texts() if texts is None else texts)
