"""Greedy answers for many prompts at once, as the fine-tuning chapters score them."""

from __future__ import annotations

from collections.abc import Sequence

from ragft.model.gpt import TinyGPT

BATCH_SIZE = 64  # prompts per padded batch: one forward pass per new token for the whole batch


def generate_all(model: TinyGPT, prompts: Sequence[str], max_new_tokens: int = 64) -> list[str]:
    """Greedy continuations of `prompts` up to the line break or <|endoftext|>, stripped (padded batches)."""
    return [answer.text.strip() for answer in model.answer_batch(list(prompts), max_new_tokens, BATCH_SIZE)]
