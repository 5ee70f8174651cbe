"""An extractive reader: the generator may only copy its answer out of the retrieved passages.

A large LLM reads a context and copies the facts it needs; our 2M-parameter GPT learned to do that only partly (it
often starts copying the right passage, then drifts back to a fact it memorised). The classic cure is older than
LLMs: an **extractive** reader (as in DrQA, Chen et al. 2017) answers with a span of the retrieved text. Here that
is constrained greedy decoding: at every step the model picks its most likely token among those that continue a
span of the context (or end the answer). The model still decides where to start copying and where to stop; it can
no longer write a citation that is not in front of it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ragft.gpt import Answer, TinyGPT, eval_mode

CONTEXT_OPENING = "Context:"  # the context block of TINY_GPT_TEMPLATE: "Context: <passages>\nQuestion: ..."
CONTEXT_CLOSING = "\nQuestion:"


@torch.no_grad()
def copy_greedy(model: TinyGPT, prompt: str, source: str, max_new_tokens: int = 48) -> Answer:
    """The model's greedy continuation of `prompt`, restricted to a span of `source`'s tokens, up to a line break.

    Returns the text and, per chosen token, the probability the unconstrained model gave it (as `TinyGPT` does).

    `source` must be tokenized as it appears in the prompt: text after a space tokenizes the same way wherever it
    stands, so pass it with its leading space (" Endicott v. Wragg [2000] VDC 59 is ...").
    """
    source_ids = model.encode(source)
    if not source_ids:
        raise ValueError("copy_greedy needs a non-empty source text to copy from")
    # A span ends at a word's end: before a token that starts with a space or a punctuation mark, or at the end.
    ends_word = [not model.decode([t])[:1].isalnum() for t in source_ids[1:]] + [True]
    stop = model.stop_mask(stop_at_newline=True)
    ids = torch.tensor([model.prompt_ids(prompt)])
    # Positions in the source whose token may come next: any at first, then those right after a match.
    frontier = list(range(len(source_ids)))
    answer: list[int] = []
    probs: list[float] = []
    cache = None
    with eval_mode(model.model):
        for _ in range(max_new_tokens):
            inputs = ids[:, -1:] if cache is not None else ids[:, -model.n_positions :]
            out = model.model(inputs, past_key_values=cache, use_cache=True, logits_to_keep=1)
            cache = out.past_key_values if ids.size(1) < model.n_positions else None
            can_stop = answer and any(ends_word[i - 1] for i in frontier)  # a non-empty span of whole words
            allowed = stop.clone() if can_stop else torch.zeros_like(stop)
            allowed[[source_ids[i] for i in frontier]] = True
            logits = out.logits[0, -1]
            token = int(logits.masked_fill(~allowed, float("-inf")).argmax())
            if stop[token]:
                break
            answer.append(token)
            probs.append(float(torch.softmax(logits, dim=-1)[token]))
            frontier = [i + 1 for i in frontier if source_ids[i] == token and i + 1 < len(source_ids)]
            if not frontier:  # the span reached the end of the source
                break
            ids = torch.cat([ids, torch.tensor([[token]])], dim=1)
    return Answer(model.decode(answer), probs)


def context_of(prompt: str) -> str:
    """The context block of a `TINY_GPT_TEMPLATE` prompt, with its leading space, as the model reads it."""
    start, end = prompt.find(CONTEXT_OPENING), prompt.find(CONTEXT_CLOSING)
    if start != 0 or end < 0:
        raise ValueError(
            "an extractive reader needs a prompt of the form 'Context: <passages>\\nQuestion: ...' "
            f"(ragft.rag.TINY_GPT_TEMPLATE); got {prompt[:60]!r}"
        )
    return prompt[len(CONTEXT_OPENING) : end]


def extractive_generator(model: TinyGPT, max_new_tokens: int = 48) -> Callable[[str], str]:
    """A `generate_fn` for `RAG` that answers with a span copied from the prompt's context block."""
    return lambda prompt: copy_greedy(model, prompt, context_of(prompt), max_new_tokens).text
