"""An extractive reader: the generator may only copy its answer out of the retrieved passages.

A large LLM reads a context and copies the facts it needs; our 2M-parameter GPT learned to do that only partly (it
often starts copying the right passage, then drifts back to a fact it memorised). The classic cure is older than
LLMs: an **extractive** reader (as in DrQA, Chen et al. 2017) answers with a span of the retrieved text. Here that
is constrained greedy decoding: at every step the model picks its most likely token among those that continue a
span of the context (or end the answer). The model still decides where to start copying and where to stop; it can
no longer write a citation that is not in front of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ragft.model.gpt import Answer, TinyGPT

CONTEXT_OPENING = "Context:"  # the context block of TINY_GPT_TEMPLATE: "Context: <passages>\nQuestion: ..."
CONTEXT_CLOSING = "\nQuestion:"


SPAN = None  # in a template: a slot filled with a span copied from the source
START = -1  # a span's position before its first token: it may begin anywhere in the source
# The answer format "Holding: <rule>. Authority: <name> <citation>" (ragft.world.prompts.task_format_target) as a template:
# the rule is copied with its closing period, the authority from the passage's opening words.
FORMAT_TEMPLATE: tuple[str | None, ...] = (" Holding:", SPAN, " Authority:", SPAN)


def copy_greedy(model: TinyGPT, prompt: str, source: str, max_new_tokens: int = 48,
                template: Sequence[str | None] | None = None) -> Answer:
    """The model's greedy continuation of `prompt`, restricted to a span of `source`'s tokens, up to a line break.

    Returns the text and, per chosen token, the probability the unconstrained model gave it: the answer comes from
    the decoding loop every answer goes through (`TinyGPT.complete`), given the tokens that may come next.

    With a `template` (e.g. `FORMAT_TEMPLATE`) the model may instead write the template: its strings as they are,
    each `SPAN` a span copied from the source, as schema-constrained decoding ("JSON mode") does. The model
    decides which: a model that never learned the template copies one span, as without it.

    `source` must be tokenized as it appears in the prompt: text after a space tokenizes the same way wherever it
    stands, so pass it with its leading space (" Endicott v. Wragg [2000] VDC 59 is ...").
    """
    source_ids = model.encode(source)
    if not source_ids:
        raise ValueError("copy_greedy needs a non-empty source text to copy from")
    # A span may end at a word's end: before a token that starts with a space or a punctuation mark, or at the end.
    ends_word = [not model.decode([t])[:1].isalnum() for t in source_ids[1:]] + [True]
    programs = [[SPAN]] + ([[SPAN if item is SPAN else model.encode(item) for item in template]] if template else [])
    stop = model.stop_mask(stop_at_newline=True)
    # The decoder's states, (program, item, position): the next token of a string, a source position that
    # continues a span (START: a span may begin anywhere), or item == len(program): complete, only the stop follows.
    states = {(p, 0, _first(programs[p], 0)) for p in range(len(programs))}
    read = 0  # how many of the chosen tokens `states` has advanced over

    def allowed(chosen: torch.Tensor) -> torch.Tensor:
        """The tokens that may come next, after the (1, steps) tokens chosen so far."""
        nonlocal states, read
        for token in chosen[0, read:].tolist():
            states = _advance(states, token, programs, source_ids, ends_word)
        read = chosen.size(1)
        mask = torch.zeros_like(stop)
        for p, item, pos in states:
            if item == len(programs[p]):
                mask |= stop
            elif programs[p][item] is SPAN:
                mask[source_ids if pos == START else source_ids[pos]] = True
            else:
                mask[programs[p][item][pos]] = True
        return mask[None]

    return model.complete([model.prompt_ids(prompt)], max_new_tokens, allowed=allowed)[0]


def _advance(states: set, token: int, programs: list, source_ids: list[int], ends_word: list[bool]) -> set:
    """The decoder's states after `token`: spans that continue or may end there, strings one token further."""
    after = set()
    for p, item, pos in states:
        if item == len(programs[p]):
            continue
        if programs[p][item] is SPAN:
            for i in range(len(source_ids)) if pos == START else [pos]:
                if source_ids[i] == token:
                    if i + 1 < len(source_ids):
                        after.add((p, item, i + 1))
                    if ends_word[i]:
                        after.add((p, item + 1, _first(programs[p], item + 1)))
        elif programs[p][item][pos] == token:
            done = pos + 1 == len(programs[p][item])
            after.add((p, item + 1, _first(programs[p], item + 1)) if done else (p, item, pos + 1))
    return after


def _first(program: list, item: int) -> int:
    """The position an item starts at: START for a span, the first token for a string."""
    return START if item < len(program) and program[item] is SPAN else 0


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
