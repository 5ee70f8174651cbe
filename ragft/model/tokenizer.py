"""Our own tokenizer: byte-level BPE (the GPT-2 scheme) trained with the `tokenizers` library."""

from collections.abc import Iterable

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

EOT = "<|endoftext|>"  # separates documents; also the padding token


def train_tokenizer(texts: Iterable[str], vocab_size: int = 4096) -> Tokenizer:
    """Train a byte-level BPE tokenizer with `vocab_size` tokens (deterministic for the same texts)."""
    tokenizer = Tokenizer(models.BPE())
    # Every digit is a token of its own (as in LLaMA): the model can then read and copy any number, such as a
    # year it never saw, digit by digit, instead of meeting an unseen multi-digit token.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOT],  # id 0
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes: any text can be encoded
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


def eot_id(tokenizer: Tokenizer) -> int:
    """The id of the end-of-text token."""
    return tokenizer.token_to_id(EOT)


def encode_documents(tokenizer: Tokenizer, texts: Iterable[str]) -> np.ndarray:
    """Encode documents into one flat id array, each document followed by the end-of-text id."""
    eot = eot_id(tokenizer)
    ids = [token for encoding in tokenizer.encode_batch(list(texts)) for token in [*encoding.ids, eot]]
    return np.array(ids, dtype=np.int64)
