"""Supervised fine-tuning: prompt → target pairs trained with the loss on the target only.

`encode_pair` + `masked_example` turn a `Pair` into inputs and labels whose prompt positions are ignored;
`train_pairs` trains on them with the pieces of `ragft.model.training` (optimizer, schedule). Task-specific
tuning (`format_pair`) and style transfer (`style_pair`) are two sets of pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ragft.model.gpt import TinyGPT, eval_mode
from ragft.model.tokenizer import eot_id
from ragft.model.training import Batch, TrainConfig, TrainHistory, run_training
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import FormatExample, StyleExample


IGNORE_INDEX = -100  # label of positions that carry no loss (cross_entropy's default ignore_index)


@dataclass(frozen=True)
class Pair:
    """One supervised example: the model reads `prompt` and learns to continue it with `target`."""

    prompt: str
    target: str


def format_pair(example: FormatExample) -> Pair:
    """Task-specific tuning: a closed-book question → "Holding: <rule>. Authority: <name> <citation>"."""
    return Pair(closed_book_prompt(example.question), example.target)


def style_prompt(holding_text: str) -> str:
    """The style-transfer prompt: a holding in legal register, then the cue for the client note."""
    return f"Holding: {holding_text}\nClient note:"


def style_pair(example: StyleExample) -> Pair:
    """Style transfer: a legal holding → the same rule as a plain-English note to a client."""
    return Pair(style_prompt(example.holding_text), example.client_note)


def encode_pair(model: TinyGPT, pair: Pair) -> tuple[list[int], list[int]]:
    """(prompt ids, target ids): the prompt as generation sees it, the target as " <target>" + <|endoftext|>."""
    # The corpus writes "Answer: <answer>", so the target starts with a space; <|endoftext|> teaches where to stop.
    return model.prompt_ids(pair.prompt), [*model.encode(" " + pair.target), eot_id(model.tokenizer)]


def masked_example(prompt_ids: Sequence[int], target_ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """Inputs and next-token labels of prompt + target, with IGNORE_INDEX where the label is a prompt token."""
    if not prompt_ids or not target_ids:
        raise ValueError("a pair needs at least one prompt token and one target token")
    ids = [*prompt_ids, *target_ids]
    return ids[:-1], [IGNORE_INDEX] * (len(prompt_ids) - 1) + list(target_ids)


def collate(examples: Sequence[tuple[list[int], list[int]]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of (inputs, labels) padded on the right: inputs with `pad_id`, labels with IGNORE_INDEX."""
    width = max(len(x) for x, _ in examples)
    x = torch.full((len(examples), width), pad_id, dtype=torch.long)
    y = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    for row, (inputs, labels) in enumerate(examples):
        x[row, : len(inputs)] = torch.tensor(inputs)
        y[row, : len(labels)] = torch.tensor(labels)
    return x, y  # right padding needs no attention mask: causal attention never looks ahead at the pads


def masked_loss(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats) over the labelled positions only."""
    logits = model(x).logits
    return F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=IGNORE_INDEX)


@torch.no_grad()
def evaluate_pairs(
    model: torch.nn.Module, examples: Sequence[tuple[list[int], list[int]]], pad_id: int = 0, batch_size: int = 32
) -> float:
    """Mean cross-entropy (nats per target token) over every target token of `examples`."""
    total, count = 0.0, 0
    with eval_mode(model):
        for i in range(0, len(examples), batch_size):
            x, y = collate(examples[i : i + batch_size], pad_id)
            n = int((y != IGNORE_INDEX).sum())
            total += masked_loss(model, x, y).item() * n
            count += n
    return total / count


def pair_examples(model: TinyGPT, pairs: Sequence[Pair]) -> list[tuple[list[int], list[int]]]:
    """Every pair encoded and masked, ready for `train_pairs`."""
    examples = [masked_example(*encode_pair(model, pair)) for pair in pairs]
    longest = max((len(x) for x, _ in examples), default=0)
    if longest > model.n_positions:
        raise ValueError(f"a pair is {longest} tokens long but the model reads at most {model.n_positions}: "
                         "shorten the prompts or targets")
    return examples


def train_pairs(
    model: torch.nn.Module,
    examples: Sequence[tuple[list[int], list[int]]],
    cfg: TrainConfig,
    val_examples: Sequence[tuple[list[int], list[int]]] | None = None,
    pad_id: int = 0,
    progress: bool = True,
) -> TrainHistory:
    """Supervised fine-tuning: `ragft.model.training.run_training` on (inputs, labels) examples, shuffled each epoch,
    `cfg.batch_size` a step, the loss on the target tokens only.

    Only parameters with requires_grad are updated, so the same loop does full fine-tuning and LoRA.
    """
    if not examples:
        raise ValueError("train_pairs needs at least one example")
    order: list[int] = []

    def next_batch(generator: torch.Generator) -> Batch:
        nonlocal order
        if len(order) < cfg.batch_size:  # a new epoch: every example once, in a fresh random order
            order += torch.randperm(len(examples), generator=generator).tolist()
        batch, order = [examples[i] for i in order[: cfg.batch_size]], order[cfg.batch_size :]
        return *collate(batch, pad_id), sum(len(inputs) for inputs, _ in batch)

    evaluate = None if val_examples is None else lambda: evaluate_pairs(model, val_examples, pad_id)
    return run_training(model, next_batch, masked_loss, cfg, evaluate, progress=progress, desc="fine-tuning")
