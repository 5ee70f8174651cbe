"""Checks for chapter 01's exercises: losses, counts, temperature, greedy decoding, parameter counts."""

import math

import numpy as np
import torch

from ragft.course.checks import Verdict, expect_array, expect_close, expect_equal, expect_type, more_help_for, run_check

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint


def exercise_1(token_loss) -> Verdict:
    """Cross-entropy of one prediction: -ln p(correct token)."""
    def test():
        for p in (1.0, 0.5, 0.01):
            expect_close(token_loss(p), -math.log(p), f"token_loss({p})", tol=1e-6,
                         hint="the loss is minus the natural log of the probability the model gave the right token")
        expect_close(token_loss(1 / 4096), math.log(4096), "token_loss(1/4096), a uniform guess over 4096 tokens",
                     tol=1e-6)
    return run_check("Exercise 1 · a loss by hand", test,
                     hint="the loss is minus the natural log of the probability of the right token",
                     success="A uniform guess over V tokens costs ln V nats: the ceiling every model must beat.")


def exercise_2(bigram_probability) -> Verdict:
    """P(next | previous) estimated by counting pairs in a token list."""
    tokens = ["the", "court", "held", "that", "the", "court", "of", "appeal", "held", "that", "the", "landlord"]

    def test():
        for prev, nxt, expected in [("the", "court", 2 / 3), ("held", "that", 1.0), ("the", "landlord", 1 / 3),
                                    ("court", "appeal", 0.0)]:
            got = bigram_probability(tokens, prev, nxt)
            expect_close(got, expected, f"bigram_probability(tokens, {prev!r}, {nxt!r})", tol=1e-9,
                         hint="count the pairs (prev, nxt), divide by how often prev is followed by any token")
        ends_with_held = tokens + ["held"]  # the last "held" is followed by nothing: it is no pair's first token
        got = bigram_probability(ends_with_held, "held", "that")
        expect_close(got, 1.0, "bigram_probability(tokens + ['held'], 'held', 'that')", tol=1e-9,
                     hint="a token at the very end is followed by nothing: count pairs, not occurrences")
    return run_check("Exercise 2 · a bigram model by counting", test,
                     hint="count the pairs (prev, nxt), then how often prev is followed by any token")


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def exercise_3(softmax_with_temperature) -> Verdict:
    """Probabilities from logits at a temperature."""
    logits = np.array([2.0, 1.0, 0.1, -1.0])

    def test():
        for t in (1.0, 0.5, 2.0):
            expect_array(softmax_with_temperature(logits, t), _softmax(logits, t),
                         f"softmax_with_temperature(logits, {t})", tol=1e-6,
                         hint="divide the logits by the temperature, then exponentiate and normalise")
        big = softmax_with_temperature(np.array([1000.0, 999.0]), 1.0)
        expect_array(big, _softmax(np.array([1000.0, 999.0]), 1.0), "softmax_with_temperature([1000, 999], 1)",
                     tol=1e-6, hint="subtract the largest logit before np.exp, or large logits overflow")
    return run_check("Exercise 3 · temperature", test, hint="divide the logits by the temperature before the softmax",
                     success="Low temperature sharpens the distribution towards greedy; high temperature flattens it.")


def _greedy_reference(model, prompt: str, max_new_tokens: int) -> str:
    # Unlike model.generate, this does not stop at <|endoftext|>: it is the plain loop the exercise asks for.
    ids = model.prompt_ids(prompt)
    for _ in range(max_new_tokens):
        ids.append(int(model.next_token_logits(torch.tensor([ids]))[0].argmax()))
    return model.decode(ids[len(ids) - max_new_tokens:])


def exercise_4(greedy_decode, model) -> Verdict:
    """Greedy decoding with the course model: always the most likely next token."""
    prompts = ["Question: In what year was", "The court held that"]

    def test():
        for prompt in prompts:
            got = greedy_decode(model, prompt, 12)
            expect_type(got, str, f"greedy_decode(model, {prompt!r}, 12)", hint="decode the new ids to text")
            expect_equal(got, _greedy_reference(model, prompt, 12), f"greedy_decode(model, {prompt!r}, 12)",
                         hint="start from model.prompt_ids(prompt); at each step append the argmax of the logits")
    return run_check("Exercise 4 · greedy decoding", test,
                     hint="start from model.prompt_ids(prompt); each step, append the most likely next id")


def _gpt2_parameters(vocab_size: int, n_positions: int, n_layer: int, n_embd: int) -> int:
    d = n_embd
    return vocab_size * d + n_positions * d + n_layer * (12 * d * d + 13 * d) + 2 * d


def exercise_5(gpt2_parameter_count) -> Verdict:
    """Parameters of a GPT-2 configuration (tied embeddings)."""
    def test():
        for config in [(4096, 256, 4, 192), (50257, 1024, 12, 768), (100, 32, 2, 32)]:
            got = gpt2_parameter_count(*config)
            expect_type(got, (int, np.integer), f"gpt2_parameter_count{config}")
            expect_equal(int(got), _gpt2_parameters(*config), f"gpt2_parameter_count{config}",
                         hint="embeddings V·d + P·d; per block 12·d² + 13·d (attention, MLP, two LayerNorms); final LayerNorm 2·d")
    return run_check("Exercise 5 · counting parameters", test,
                     hint="count the embeddings, then one block's weights and biases, times the blocks",
                     success="The second configuration is GPT-2 small: 124M parameters.")
