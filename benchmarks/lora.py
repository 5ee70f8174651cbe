"""Full fine-tuning vs our LoRA vs peft's LoRA on a GPT-2 of the course's size: parameters and training-step time.

    python benchmarks/lora.py               # defaults: 4 layers, n_embd 256, vocab 4096, batch 8 x 128 tokens
    python benchmarks/lora.py --steps 50    # more timed steps

A step is forward + backward + AdamW step. The variants take turns step by step, so a machine that slows down
(2 shared CPU cores) slows them all alike; each time is the median of the timed steps after a warm-up.
The tables are printed and written to benchmarks/results/lora.md.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import time
import warnings
from pathlib import Path

import peft
import torch
from peft import LoraConfig, get_peft_model
from transformers import GPT2Config, GPT2LMHeadModel

from ragft.finetune.lora import apply_lora, copy_from_peft, lora_layers, trainable_and_total

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = ["c_attn", "c_proj", "c_fc"]
ALPHA = 16
# peft calls a transformers method that transformers 5 deprecates; not ours to fix.
warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)


def make_model(args: argparse.Namespace) -> GPT2LMHeadModel:
    """A seeded GPT-2 of the benchmark's size."""
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=args.vocab, n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd, n_positions=256,
        activation_function="gelu_pytorch_tanh", bos_token_id=0, eos_token_id=0,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,  # as the course's model (ragft.model.gpt.make_gpt)
    )  # fmt: skip
    return GPT2LMHeadModel(config)


def ours(base: GPT2LMHeadModel, r: int) -> torch.nn.Module:
    """Our LoRA on a copy of the base model."""
    return apply_lora(copy.deepcopy(base), TARGETS, r=r, alpha=ALPHA)


def theirs(base: GPT2LMHeadModel, r: int) -> torch.nn.Module:
    """peft's LoRA with the same settings on a copy of the base model."""
    config = LoraConfig(r=r, lora_alpha=ALPHA, target_modules=TARGETS, fan_in_fan_out=True, lora_dropout=0.0)
    return get_peft_model(copy.deepcopy(base), config)


def step_times(
    models: dict[str, torch.nn.Module], ids: torch.Tensor, steps: int, warmup: int
) -> dict[str, list[float]]:
    """Seconds per timed training step of each model, the models taking turns step by step."""
    optimizers = {name: torch.optim.AdamW([p for p in m.parameters() if p.requires_grad]) for name, m in models.items()}
    times: dict[str, list[float]] = {name: [] for name in models}
    for step in range(warmup + steps):
        for name, model in models.items():
            start = time.perf_counter()
            model(ids, labels=ids).loss.backward()
            optimizers[name].step()
            optimizers[name].zero_grad(set_to_none=True)
            if step >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def max_logit_difference(base: GPT2LMHeadModel, ids: torch.Tensor, r: int) -> float:
    """Largest |logit| difference between our LoRA and peft's, with the same random non-zero A and B in both."""
    peft_model = theirs(base, r).eval()
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.normal_(std=0.1)
        our_model = copy_from_peft(ours(base, r), peft_model).eval()
        return (our_model(ids).logits - peft_model(ids).logits).abs().max().item()


def state_mb(trainable: int) -> float:
    """MB of float32 training state that grows with the trainable parameters: gradients and AdamW's two moments."""
    return 3 * 4 * trainable / 2**20


def row(name: str, model: torch.nn.Module, seconds: list[float]) -> list[str]:
    """A table row: trainable parameters, their share, training state, median and fastest step time."""
    trainable, total = trainable_and_total(model)
    share, median, fastest = 100 * trainable / total, 1000 * statistics.median(seconds), 1000 * min(seconds)
    return [name, f"{trainable:,}", f"{share:.2f}", f"{state_mb(trainable):.1f}", f"{median:.0f}", f"{fastest:.0f}"]


def ratio(times: dict[str, list[float]], a: str, b: str) -> str:
    """Step time of a over b, by median and by fastest step."""
    by_median = statistics.median(times[a]) / statistics.median(times[b])
    return f"{by_median:.2f} (fastest steps: {min(times[a]) / min(times[b]):.2f})"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, text left-aligned and numbers right-aligned."""
    align = ["---"] + ["---:"] * (len(header) - 1)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, align, *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-head", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=256)
    parser.add_argument("--vocab", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--r", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per variant")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    base = make_model(args)
    ids = torch.randint(0, args.vocab, (args.batch, args.tokens), generator=torch.Generator().manual_seed(0))
    header = ["variant", "trainable params", "trainable (%)", "grads + AdamW state (MB)", "step (ms)", "fastest (ms)"]
    load = os.getloadavg()[0]

    variants = {"full fine-tuning": copy.deepcopy(base).train(), f"ours, LoRA r={args.r}": ours(base, args.r).train(),
                f"peft, LoRA r={args.r}": theirs(base, args.r).train()}  # fmt: skip
    times = step_times(variants, ids, args.steps, args.warmup)
    ours_name, peft_name = list(variants)[1:]
    compare = markdown(header, [row(name, model, times[name]) for name, model in variants.items()])
    summary = (
        f"Step time ours / peft: {ratio(times, ours_name, peft_name)}; "
        f"ours / full fine-tuning: {ratio(times, ours_name, 'full fine-tuning')}. "
        f"Max |logit difference| ours vs peft, same A and B: {max_logit_difference(base, ids, args.r):.1e} "
        f"({len(lora_layers(variants[ours_name]))} LoRA layers)."
    )

    sweep_models = {f"ours, LoRA r={r}": ours(base, r).train() for r in (1, 2, 4, 8, 16)}
    sweep_times = step_times(sweep_models, ids, args.steps, args.warmup)
    sweep = markdown(header, [row(name, model, sweep_times[name]) for name, model in sweep_models.items()])

    report = (
        f"# LoRA: trainable parameters and training-step time\n\n"
        f"GPT-2: {args.n_layer} layers, {args.n_head} heads, n_embd {args.n_embd}, vocab {args.vocab}, "
        f"{trainable_and_total(base)[1]:,} parameters. Batch {args.batch} x {args.tokens} tokens; a step is forward + "
        f"backward + AdamW; median of {args.steps} steps after {args.warmup} warm-up, variants taking turns. "
        f"LoRA on {', '.join(TARGETS)}, alpha {ALPHA}. torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"peft {peft.__version__}; {os.cpu_count()} CPU cores, load average {load:.1f} at the start (a busy "
        f"machine slows every variant and makes the times noisy; the fastest steps are the least disturbed).\n\n"
        f"## Full fine-tuning vs LoRA\n\n{compare}\n\n{summary}\n\n## Rank sweep (ours)\n\n{sweep}\n"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lora.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
