"""Checks for chapter 04's exercises: memory arithmetic, LoRA's parameter count, forward pass and merge, target
modules, the masked fine-tuning labels, the confident-wrong rate, and reading a rank sweep with its intervals."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ragft.course.checks import (Mismatch, Verdict, expect_array, expect_close, expect_equal, expect_type, more_help_for,
                                 run_check)
from ragft.evaluate.answers import confident_wrong_rate as reference_confident_wrong_rate
from ragft.finetune.lora import LoRALinear, lora_layers
from ragft.finetune.memory import gpt_linear_shapes, lora_parameter_count
from ragft.finetune.sft import masked_example
from ragft.model.gpt import make_gpt

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint

GPT2_LAYERS = ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")


def exercise_1(full_finetuning_gb) -> Verdict:
    """GB for weights, gradients and AdamW's two moments when every parameter is trained."""
    cases = [(7e9, 4), (7e9, 2), (70e9, 2), (2.6e6, 4)]

    def test():
        for n_params, size in cases:
            expect_close(full_finetuning_gb(n_params, size), 4 * n_params * size / 1e9,
                         f"full_finetuning_gb({n_params:g}, bytes_per_number={size})", tol=1e-9,
                         hint="four numbers per parameter (weight, gradient, two AdamW moments), times the bytes "
                              "per number, divided by 1e9")
    return run_check("Exercise 1 · the memory bill of full fine-tuning", test,
                     hint="four numbers per parameter: weight, gradient, two AdamW moments",
                     success=f"7e9 parameters need {4 * 7e9 * 4 / 1e9:.0f} GB in fp32 before a single activation "
                             f"(the chapter's Llama 2 7B, 6.74e9 of them: {4 * 6.74e9 * 4 / 1e9:.0f} GB): more than any "
                             "laptop.")


def _lora_count(n_layer: int, n_embd: int, r: int, targets: list[str]) -> int:
    shapes = {name: shape for name, shape in gpt_linear_shapes(n_layer, n_embd).items()
              if name.split(".", 2)[2] in targets}
    return lora_parameter_count(shapes, r)


def exercise_2(lora_parameters) -> Verdict:
    """LoRA's trainable parameters for a GPT-2 config and a choice of layers."""
    cases = [(4, 192, 8, list(GPT2_LAYERS)), (4, 192, 1, list(GPT2_LAYERS)), (4, 192, 8, ["attn.c_attn"]),
             (12, 768, 16, ["attn.c_attn", "attn.c_proj"]), (2, 32, 4, ["mlp.c_fc", "mlp.c_proj"])]

    def test():
        for n_layer, n_embd, r, targets in cases:
            got = lora_parameters(n_layer, n_embd, r, list(targets))
            what = f"lora_parameters(n_layer={n_layer}, n_embd={n_embd}, r={r}, targets={targets})"
            expect_type(got, int, what, hint="return an int (a count of numbers)")
            expect_equal(got, _lora_count(n_layer, n_embd, r, targets), what,
                         hint="a layer with `in` inputs and `out` outputs gets A (r x in) and B (out x r); "
                              "c_attn maps d to 3d, attn.c_proj d to d, c_fc d to 4d, mlp.c_proj 4d to d")
    return run_check("Exercise 2 · counting LoRA's parameters", test,
                     hint="a targeted layer with `in` inputs and `out` outputs gets r * (in + out) parameters",
                     success=f"At r=8 on every layer our model (4 blocks, width 192) trains "
                             f"{_lora_count(4, 192, 8, list(GPT2_LAYERS)):,} numbers.")


def _random_lora(seed: int, d_in: int = 6, d_out: int = 4, r: int = 2, alpha: float = 8.0) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {"x": torch.randn(3, 5, d_in, generator=g), "W": torch.randn(d_out, d_in, generator=g),
            "b": torch.randn(d_out, generator=g), "A": torch.randn(r, d_in, generator=g),
            "B": torch.randn(d_out, r, generator=g), "alpha": alpha, "r": r}  # fmt: skip


def _reference_layer(p: dict) -> LoRALinear:
    base = nn.Linear(p["W"].shape[1], p["W"].shape[0])
    layer = LoRALinear(base, r=p["r"], alpha=p["alpha"])
    with torch.no_grad():
        base.weight.copy_(p["W"])
        base.bias.copy_(p["b"])
        layer.A.copy_(p["A"])
        layer.B.copy_(p["B"])
    return layer


def exercise_3(lora_forward) -> Verdict:
    """h = x W^T + b + (alpha / r) x A^T B^T, checked against `ragft.finetune.lora.LoRALinear`."""
    def test():
        for seed, alpha, r in [(0, 8.0, 2), (1, 16.0, 4), (2, 1.0, 1)]:
            p = _random_lora(seed, r=r, alpha=alpha)
            with torch.no_grad():
                expected = _reference_layer(p)(p["x"]).numpy()
                got = lora_forward(p["x"], p["W"], p["b"], p["A"], p["B"], p["alpha"], p["r"])
            expect_type(got, (torch.Tensor, np.ndarray), f"lora_forward(...) with alpha={alpha}, r={r}",
                        hint="return a tensor")
            expect_array(got.detach() if isinstance(got, torch.Tensor) else got, expected,
                         f"lora_forward(x of shape (3, 5, 6), ...) with alpha={alpha}, r={r}", tol=1e-5,
                         hint="x @ W.T + b is the frozen layer; the update goes through A, then B, then the scale")
    return run_check("Exercise 3 · LoRA's forward pass", test,
                     hint="the frozen layer's output plus the low-rank update, scaled by alpha / r",
                     more="return x @ W.T + b + alpha / r * (x @ A.T) @ B.T",
                     success="Two thin products, (x @ A.T) @ B.T: the big (out x in) matrix B @ A is never built.")


def exercise_4(merge) -> Verdict:
    """W + (alpha / r) B A: one plain matrix that computes what the LoRA layer computes."""
    def test():
        for seed, alpha, r in [(3, 8.0, 2), (4, 16.0, 4)]:
            p = _random_lora(seed, r=r, alpha=alpha)
            with torch.no_grad():
                got = merge(p["W"].clone(), p["A"], p["B"], p["alpha"], p["r"])
                expected = (p["W"] + p["alpha"] / p["r"] * p["B"] @ p["A"]).numpy()
            expect_type(got, (torch.Tensor, np.ndarray), f"merge(W, A, B, alpha={alpha}, r={r})", hint="return a tensor")
            expect_array(got.detach() if isinstance(got, torch.Tensor) else got, expected,
                         f"merge(W of shape (4, 6), A of shape ({r}, 6), B of shape (4, {r}), alpha={alpha}, r={r})",
                         tol=1e-5, hint="the update has W's shape (out, in): B @ A, not A @ B; scale it by alpha / r")
    return run_check("Exercise 4 · merging the adapter", test,
                     hint="W + (alpha / r) * B @ A",
                     success="After merging, the fine-tuned model is as fast as the base model: no extra layers.")


def _tiny_gpt2() -> nn.Module:
    torch.manual_seed(0)
    return make_gpt(vocab_size=20, n_layer=2, n_head=2, n_embd=8, n_positions=8)


def exercise_5(attention_targets) -> Verdict:
    """target_modules for `apply_lora` that wrap attention's two linear layers in every block, and nothing else."""
    from ragft.finetune.lora import apply_lora

    def test():
        targets = attention_targets()
        expect_type(targets, list, "attention_targets()", hint="return a list of strings, e.g. ['c_attn', ...]")
        try:
            model = apply_lora(_tiny_gpt2(), targets, r=2, alpha=4)
        except ValueError as err:
            raise Mismatch("apply_lora(model, attention_targets(), ...)", "LoRA layers on attention",
                           f"ValueError: {err}", "use the names the error lists") from None
        wrapped = sorted(name.removeprefix("transformer.") for name in lora_layers(model))
        expected = [f"h.{i}.{layer}" for i in range(2) for layer in ("attn.c_attn", "attn.c_proj")]
        expect_equal(wrapped, expected, f"the layers apply_lora wraps with target_modules={targets}",
                     hint="'c_proj' alone also matches the MLP's output layer, mlp.c_proj: a target matches every "
                          "layer whose name ends with '.<target>', so make it more specific")
    return run_check("Exercise 5 · choosing target modules", test,
                     hint="a target matches every layer whose name ends with '.' + the target",
                     success="'attn.c_proj' is specific enough; 'c_proj' alone would also wrap mlp.c_proj.")


def exercise_6(mask_prompt) -> Verdict:
    """Inputs and labels for supervised fine-tuning, with the prompt's labels ignored (-100)."""
    cases = [([0, 11, 12, 13], [21, 22, 0]), ([0, 5], [9]), ([0, 1, 2], [3, 4, 5, 6, 0])]

    def test():
        for prompt, target in cases:
            got = mask_prompt(list(prompt), list(target))
            what = f"mask_prompt({prompt}, {target})"
            expect_type(got, tuple, what, hint="return a tuple (inputs, labels) of two lists")
            if len(got) != 2:
                raise Mismatch(f"{what}: number of items", 2, len(got), "return (inputs, labels)")
            inputs, labels = (list(map(int, v)) if isinstance(v, (list, tuple)) else v for v in got)
            expected_inputs, expected_labels = masked_example(prompt, target)
            expect_equal(inputs, expected_inputs, f"{what}: inputs",
                         hint="the inputs are prompt + target without the last token (nothing follows it)")
            expect_equal(labels, expected_labels, f"{what}: labels",
                         hint="label i is the token after input i: -100 while that token is still the prompt's, "
                              "then the target's tokens; inputs and labels have the same length")
    return run_check("Exercise 6 · loss on the answer only", test,
                     hint="inputs and labels are the same ids shifted by one; the prompt's labels are -100",
                     success="The model is graded only on the answer: it learns to answer, not to repeat questions.")


def exercise_7(confident_wrong_rate) -> Verdict:
    """Share of the wrong answers given with confidence at least the threshold (nan when none is wrong)."""
    cases = [([True, False, False, False], [0.9, 0.8, 0.2, 0.5], 0.5), ([False, False], [0.1, 0.3], 0.5),
             ([True, False, True, False, False], [0.99, 0.95, 0.2, 0.7, 0.05], 0.7)]

    def test():
        for correct, conf, threshold in cases:
            what = f"confident_wrong_rate({correct}, {conf}, threshold={threshold})"
            expect_close(confident_wrong_rate(list(correct), list(conf), threshold),
                         reference_confident_wrong_rate(correct, conf, threshold), what, tol=1e-9,
                         hint="divide by the number of wrong answers, not of all answers; 'at least' means >=")
        got = confident_wrong_rate([True, True], [0.9, 0.4], 0.5)
        if not (isinstance(got, float) and math.isnan(got)):
            raise Mismatch("confident_wrong_rate([True, True], [0.9, 0.4], 0.5) (no wrong answer)",
                           "float('nan')", got, "with no wrong answer there is nothing to divide by: return float('nan')")
    return run_check("Exercise 7 · the confident-wrong rate", test,
                     hint="divide by the number of wrong answers, not of all answers",
                     success="This is the number to watch when fine-tuning on facts the model does not know.")


# (right answers out of n, by rank; n; the smallest rank not measurably worse than the best)
SWEEPS = [
    ({1: 52, 2: 54, 4: 52, 8: 56, 16: 58}, 60, 1),  # every gap inside the noise: the best by a few answers is not better
    ({1: 10, 2: 19, 4: 9, 8: 10, 16: 10}, 60, 1),  # one rank ahead by nine answers, still inside the noise
    ({1: 20, 2: 40, 4: 55, 8: 57, 16: 58}, 60, 4),  # ranks 1 and 2 are measurably worse
    ({1: 850, 2: 900, 4: 940, 8: 945, 16: 944}, 1000, 4),  # more answers, narrower intervals: 900 of 1000 is worse
    ({16: 54, 1: 30, 4: 53, 2: 41}, 60, 4),  # not in order
]


def exercise_8(smallest_sufficient_rank) -> Verdict:
    """The smallest rank whose 95% Wilson interval reaches the best rank's: not measurably worse than the best."""
    def test():
        for counts, n, expected in SWEEPS:
            got = smallest_sufficient_rank(dict(counts), n)
            what = f"smallest_sufficient_rank({counts}, n={n})"
            expect_type(got, int, what, hint="return a rank, an int key of the dict")
            expect_equal(got, expected, what,
                         hint="compare intervals, not rates: a rank is not measurably worse when the upper end of its "
                              "interval reaches the lower end of the best rank's interval (and the dict is not "
                              "necessarily in order)")
    return run_check("Exercise 8 · reading the rank sweep", test,
                     hint="wilson_interval(k, n) gives (low, high); compare each rank's high with the best rank's low",
                     more="best_low, _ = wilson_interval(max(counts.values()), n); "
                          "return min(r for r, k in counts.items() if wilson_interval(k, n)[1] >= best_low)",
                     success="A difference inside the intervals is noise: it picks no winner, so take the cheapest rank.")
