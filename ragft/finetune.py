"""Chapter 04's fine-tuning: prompt → target pairs trained with the loss on the target only, the course's three kinds
of fine-tuning (task format, style transfer, domain adaptation) and the numbers that show what each one changed.

- supervised fine-tuning (SFT): `encode_pair` + `masked_example` turn a `Pair` into inputs and labels whose prompt
  positions are ignored, `train_pairs` trains on them with the pieces of `ragft.training` (optimizer, schedule);
- domain adaptation is plain continued pretraining: `ragft.training.train` on `domain_ids`;
- measurements: `format_scores` ("Holding: … Authority: …" compliance and correctness), `style_scores` (legal jargon
  and whether the note keeps the rule's number), `confident_wrong_rate` (Gekhman et al. 2024).
"""

from __future__ import annotations

import copy
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ragft.data import (
    Case,
    FormatExample,
    Question,
    StyleExample,
    closed_book_prompt,
    load_cases,
    load_domain_documents,
    load_knowledge_base,
    load_pretrain_corpus,
)
from ragft.gpt import Answer, TinyGPT, eval_mode
from ragft.hallucination import FORMAT_PATTERN, format_compliance, mean_jargon
from ragft.lora import load_adapter
from ragft.qa import QARecord, closed_book_records, exact_match
from ragft.rag import BM25Index, build_prompt
from ragft.rag.reader import context_of, copy_greedy
from ragft.seed import DEFAULT_SEED, set_seed
from ragft.style import jargon_rate, speaks_to_reader
from ragft.tokenizer import encode_documents, eot_id
from ragft.training import TrainConfig, TrainHistory, make_optimizer, optimizer_step

IGNORE_INDEX = -100  # label of positions that carry no loss (cross_entropy's default ignore_index)
NUMBER = re.compile(r"\d+")
# LoRA wraps every linear layer of a GPT-2 block: attention's c_attn and c_proj, the MLP's c_fc and c_proj.
TARGET_MODULES = ["c_attn", "c_proj", "c_fc"]


@dataclass(frozen=True)
class Pair:
    """One supervised example: the model reads `prompt` and learns to continue it with `target`."""

    prompt: str
    target: str


# ---- the three tasks' data ----------------------------------------------------------------------------------


def format_pair(example: FormatExample) -> Pair:
    """Task-specific tuning: a closed-book question → "Holding: <rule>. Authority: <name> <citation>"."""
    return Pair(closed_book_prompt(example.question), example.target)


def style_prompt(holding_text: str) -> str:
    """The style-transfer prompt: a holding in legal register, then the cue for the client note."""
    return f"Holding: {holding_text}\nClient note:"


def style_pair(example: StyleExample) -> Pair:
    """Style transfer: a legal holding → the same rule as a plain-English note to a client."""
    return Pair(style_prompt(example.holding_text), example.client_note)


def with_adapter(base: TinyGPT, directory: str | Path) -> TinyGPT:
    """A copy of `base` with the LoRA adapter saved in `directory` (by `ragft.lora.save_adapter`); `base` is unchanged."""
    model = copy.deepcopy(base)
    load_adapter(model.model, directory)
    return model


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


# ---- supervised fine-tuning ---------------------------------------------------------------------------------


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
    """Train on (inputs, labels) examples, shuffled each epoch, `cfg.batch_size` a step; same seed, same run.

    Only parameters with requires_grad are updated, so the same loop does full fine-tuning and LoRA.
    """
    if not examples:
        raise ValueError("train_pairs needs at least one example")
    set_seed(cfg.seed)  # dropout, if any
    generator = torch.Generator().manual_seed(cfg.seed)  # the order of the examples
    optimizer = make_optimizer(model, cfg.lr, cfg.weight_decay)
    trainable = [p for p in model.parameters() if p.requires_grad]
    history, order = TrainHistory(), []
    start = time.perf_counter()
    bar = tqdm(range(1, cfg.steps + 1), desc="fine-tuning", disable=not progress)
    for step in bar:
        model.train()
        if len(order) < cfg.batch_size:  # a new epoch: every example once, in a fresh random order
            order += torch.randperm(len(examples), generator=generator).tolist()
        batch, order = [examples[i] for i in order[: cfg.batch_size]], order[cfg.batch_size :]
        x, y = collate(batch, pad_id)
        loss = masked_loss(model, x, y)
        optimizer_step(optimizer, trainable, loss, cfg, step)
        history.losses.append(loss.item())
        history.tokens_seen += sum(len(inputs) for inputs, _ in batch)
        if val_examples is not None and (step == cfg.steps or (cfg.eval_every and step % cfg.eval_every == 0)):
            history.val_losses.append((step, evaluate_pairs(model, val_examples, pad_id)))
        if step % 10 == 0 or step == cfg.steps:
            bar.set_postfix_str(f"loss {loss.item():.3f}")
        history.seconds = time.perf_counter() - start
    return history


# ---- measurements ---------------------------------------------------------------------------------------------


@torch.no_grad()
def answer_padded(model: TinyGPT, prompts: Sequence[str], max_new_tokens: int = 48, batch_size: int = 64) -> list[Answer]:
    """Greedy answers as `TinyGPT.answer_batch` gives them, but prompts of any length run in one batch.

    Prompts are padded on the left and the padding is masked out, with position ids that start at each prompt's
    first real token, so every row computes what it would alone (up to float rounding). One batch of 60 prompts
    takes one pass per new token instead of one per distinct prompt length: several times faster on a CPU.
    """
    ids = [model.prompt_ids(p) for p in prompts]
    if any(len(row) + max_new_tokens > model.n_positions for row in ids):
        return model.answer_batch(list(prompts), max_new_tokens)  # too long for one window: the sliding loop
    stop, pad = model.stop_mask(True), eot_id(model.tokenizer)
    answers: list[Answer] = []
    with eval_mode(model.model):
        for start in range(0, len(ids), batch_size):
            rows = ids[start : start + batch_size]
            width = max(map(len, rows))
            x = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
            mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
            cache, new, probs = None, [], []
            done = torch.zeros(len(rows), dtype=torch.bool)
            for _ in range(max_new_tokens):
                positions = (mask.cumsum(1) - 1).clamp(min=0)
                step_positions = positions if cache is None else positions[:, -1:]
                out = model.model(x if cache is None else new[-1], attention_mask=mask, position_ids=step_positions,
                                  past_key_values=cache, use_cache=True, logits_to_keep=1)
                cache, logits = out.past_key_values, out.logits[:, -1, :]
                next_id = logits.argmax(dim=-1, keepdim=True)
                probs.append(torch.softmax(logits, dim=-1).gather(1, next_id))
                new.append(next_id)
                mask = torch.cat([mask, torch.ones(len(rows), 1, dtype=mask.dtype)], dim=1)
                done |= stop[next_id[:, 0]]
                if done.all():
                    break
            for row_ids, row_probs in zip(torch.cat(new, 1).tolist(), torch.cat(probs, 1).tolist()):
                n = next((t for t, i in enumerate(row_ids) if stop[i]), len(row_ids))  # tokens before the stop
                text = model.decode(row_ids[: n + 1]).split("\n")[0]  # the stop token may carry text before "\n"
                answers.append(Answer(text, row_probs[:n]))
    return answers


def generate_all(model: TinyGPT, prompts: Sequence[str], max_new_tokens: int = 64) -> list[str]:
    """Greedy continuations of `prompts` up to the line break or <|endoftext|>, stripped."""
    return [answer.text.strip() for answer in answer_padded(model, prompts, max_new_tokens)]


def parse_formatted(text: str) -> dict[str, str] | None:
    """The holding, case name and citation of a "Holding: … Authority: …" answer, or None if it is not one."""
    match = FORMAT_PATTERN.match(text.strip())
    if match is None:
        return None
    return {"holding": match["holding"], "name": match["name"], "citation": match["citation"]}


def format_scores(answers: Sequence[str], cases: Sequence[Case]) -> dict[str, float]:
    """Share of answers in the format, and of answers whose holding, authority (name and citation), or both are right."""
    if len(answers) != len(cases) or not answers:
        raise ValueError(f"need one case per answer, got {len(answers)} answers and {len(cases)} cases")
    parsed = [parse_formatted(a) for a in answers]
    holding = [p is not None and p["holding"] == c.holding for p, c in zip(parsed, cases)]
    authority = [p is not None and (p["name"], p["citation"]) == (c.name, c.citation) for p, c in zip(parsed, cases)]
    n = len(answers)
    return {
        "format compliance": format_compliance(answers),
        "holding correct": sum(holding) / n,
        "authority correct": sum(authority) / n,
        "both correct": sum(h and a for h, a in zip(holding, authority)) / n,
    }


def keeps_number(note: str, holding_text: str) -> bool:
    """True when the note states the holding's numbers (e.g. "14 days" stays 14), and no others."""
    return set(NUMBER.findall(note)) == set(NUMBER.findall(holding_text)) != set()


def style_scores(notes: Sequence[str], holding_texts: Sequence[str]) -> dict[str, float]:
    """Mean jargon rate, share of notes without any jargon, share that speak to the client ("you"), and share that
    keep the holding's number. Jargon alone can be won for the wrong reason: a bare rule has no jargon either."""
    if len(notes) != len(holding_texts) or not notes:
        raise ValueError(f"need one holding per note, got {len(notes)} notes and {len(holding_texts)} holdings")
    return {
        "jargon rate": mean_jargon(notes),
        "jargon-free": sum(jargon_rate(note) == 0 for note in notes) / len(notes),
        "speaks to the client": sum(map(speaks_to_reader, notes)) / len(notes),
        "keeps the number": sum(map(keeps_number, notes, holding_texts)) / len(notes),
    }


def confident_wrong_rate(correct: Sequence[bool], confidences: Sequence[float], threshold: float = 0.5) -> float:
    """Share of the wrong answers given with confidence at least `threshold` (nan when no answer is wrong)."""
    if len(correct) != len(confidences):
        raise ValueError(f"{len(correct)} correctness values but {len(confidences)} confidences")
    wrong = [c for ok, c in zip(correct, confidences) if not ok]
    return sum(c >= threshold for c in wrong) / len(wrong) if wrong else float("nan")


def confident_wrong_share(correct: Sequence[bool], confidences: Sequence[float], threshold: float = 0.5) -> float:
    """Share of all answers that are wrong and given with confidence at least `threshold`."""
    if not correct:
        raise ValueError("confident_wrong_share needs at least one answer")
    return sum(not ok and c >= threshold for ok, c in zip(correct, confidences, strict=True)) / len(correct)


def bm25_retriever() -> BM25Index:
    """BM25 over the knowledge base (every known and new case, every statute): chapter 03's best retriever here."""
    kb = load_knowledge_base()
    return BM25Index([p.text for p in kb], [p.passage_id for p in kb])


def rag_prompt(retriever, question: str, k: int) -> str:
    """The reading prompt with the k best passages in front of the question, as chapter 03 builds it."""
    return build_prompt(question, retriever.search(question, k))


def rag_records(model: TinyGPT, retriever, questions: Sequence[Question], k: int = 2) -> list[QARecord]:
    """Answers read by chapter 03's extractive reader from the k best passages, each with its confidence."""
    records = []
    for q in questions:
        prompt = rag_prompt(retriever, q.question, k)
        a = copy_greedy(model, prompt, context_of(prompt))
        records.append(QARecord(q.question, q.answer, a.text.strip(), exact_match(a.text, q.answer), a.product_prob,
                                a.token_probs))
    return records


def qa_summary(records: Sequence[QARecord], threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, the confident-wrong rate (of wrong answers) and share (of all answers), and how many answers."""
    correct, confidence = [r.correct for r in records], [r.confidence for r in records]
    return {
        "accuracy": sum(correct) / len(records),
        "confident-wrong rate": confident_wrong_rate(correct, confidence, threshold),
        "confident-wrong share": confident_wrong_share(correct, confidence, threshold),
        "questions": len(records),
    }


def closed_book_summary(model: TinyGPT, questions: Sequence[Question], threshold: float = 0.5) -> dict[str, float]:
    """`qa_summary` of the model's closed-book answers."""
    return qa_summary(closed_book_records(model, questions), threshold)


def cases_of(examples: Sequence[FormatExample | StyleExample]) -> list[Case]:
    """The case of each example, in order."""
    cases = {case.case_id: case for case in load_cases()}
    return [cases[e.case_id] for e in examples]


# ---- memory arithmetic ----------------------------------------------------------------------------------------

BYTES = {"fp32": 4, "bf16": 2}


def training_memory_gb(n_params: float, trainable: float | None = None, precision: str = "fp32") -> dict[str, float]:
    """GB (1e9 bytes) of weights, gradients and AdamW's two moments when `trainable` of `n_params` are trained.

    Everything is stored in `precision`. (Mixed-precision recipes keep the moments and a master copy of the
    weights in fp32, which costs more.) Activations come on top and grow with batch size and sequence length.
    """
    trainable = n_params if trainable is None else trainable
    size = BYTES[precision]
    parts = {"weights": n_params * size, "gradients": trainable * size, "AdamW states": 2 * trainable * size}
    gb = {name: value / 1e9 for name, value in parts.items()}
    gb["total"] = sum(gb.values())
    return gb


def gpt_linear_shapes(n_layer: int, n_embd: int, d_ff: int | None = None) -> dict[str, tuple[int, int]]:
    """(in, out) of the four linear layers of each GPT-2 block, by the layer's name inside a block."""
    d_ff = 4 * n_embd if d_ff is None else d_ff
    block = {"attn.c_attn": (n_embd, 3 * n_embd), "attn.c_proj": (n_embd, n_embd),
             "mlp.c_fc": (n_embd, d_ff), "mlp.c_proj": (d_ff, n_embd)}  # fmt: skip
    return {f"h.{i}.{name}": shape for i in range(n_layer) for name, shape in block.items()}


def llama_linear_shapes(n_layer: int, d: int, d_ff: int, kv_dim: int | None = None) -> dict[str, tuple[int, int]]:
    """(in, out) of the seven linear layers of each Llama block (q, k, v, o; gate, up, down); kv_dim < d with GQA."""
    kv_dim = d if kv_dim is None else kv_dim
    block = {"q_proj": (d, d), "k_proj": (d, kv_dim), "v_proj": (d, kv_dim), "o_proj": (d, d),
             "gate_proj": (d, d_ff), "up_proj": (d, d_ff), "down_proj": (d_ff, d)}  # fmt: skip
    return {f"layers.{i}.{name}": shape for i in range(n_layer) for name, shape in block.items()}


def lora_parameter_count(shapes: dict[str, tuple[int, int]], r: int) -> int:
    """Trainable numbers LoRA adds with rank r: r * (in + out) per wrapped layer."""
    return sum(r * (d_in + d_out) for d_in, d_out in shapes.values())


# ---- pictures -------------------------------------------------------------------------------------------------


def plot_loss(losses: Sequence[float], title: str, ax=None):
    """A training-loss curve: nats per target token against the step."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5.5, 3.2))[1]
    ax.plot(range(1, len(losses) + 1), losses, color="tab:blue")
    ax.set(title=title, xlabel="training step", ylabel="loss (nats per target token)")
    return ax


def plot_before_after(rows: dict[str, dict[str, float]], title: str, ylabel: str = "share of test answers (%)",
                      percent: bool = True, ax=None):
    """Grouped bars: one group per metric, one bar per row (e.g. "before", "after"), values as labels."""
    import matplotlib.pyplot as plt

    metrics = list(next(iter(rows.values())))
    ax = ax or plt.subplots(figsize=(1.6 + 1.4 * len(metrics), 3.4))[1]
    width = 0.8 / len(rows)
    for i, (name, values) in enumerate(rows.items()):
        heights = [(100 if percent else 1) * values[m] for m in metrics]
        bars = ax.bar([j + (i - (len(rows) - 1) / 2) * width for j in range(len(metrics))], heights, width, label=name)
        ax.bar_label(bars, fmt="%.0f" if percent else "%.2f", fontsize=8)
    ax.set_xticks(range(len(metrics)), metrics)
    ax.set(title=title, xlabel="measure", ylabel=ylabel)
    if percent:
        ax.set_ylim(0, 110)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def plot_lora_shapes(d_in: int, d_out: int, r: int, ax=None):
    """LoRA as a picture: the frozen W (out x in) next to the thin trainable B (out x r) and A (r x in), to scale."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ax = ax or plt.subplots(figsize=(9, 3.6))[1]
    gap = 0.6 * d_in
    shapes = [("W (frozen)", d_in, d_out, "lightgray"), ("B (trained)", r, d_out, "tab:orange"),
              ("A (trained)", d_in, r, "tab:blue")]  # fmt: skip
    x = 0.0
    for i, (name, width, height, color) in enumerate(shapes):
        if i:
            ax.text(x + gap / 2, d_out / 2, "+  α/r  ×" if i == 1 else "×", ha="center", va="center", fontsize=13)
            x += gap
        ax.add_patch(Rectangle((x, d_out - height), width, height, facecolor=color, edgecolor="black"))
        ax.text(x + width / 2, -0.08 * d_out, f"{name}\n{height} × {width}\n= {width * height:,} numbers",
                ha="center", va="top", fontsize=9)
        x += width
    ax.set(xlim=(-0.1 * d_in, x + 0.1 * d_in), ylim=(-0.55 * d_out, 1.05 * d_out), aspect="equal",
           title=f"W + (α/r)·B·A for one {d_in} → {d_out} layer at r = {r} (drawn to scale)",
           xlabel="columns", ylabel="rows")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def plot_rank_sweep(sweep: dict[str, dict], full: dict | None = None, axes=None):
    """Three panels against the LoRA rank: trainable parameters, seconds per step, and test quality."""
    import matplotlib.pyplot as plt

    ranks = [int(r) for r in sweep]
    rows = list(sweep.values())
    axes = axes if axes is not None else plt.subplots(1, 3, figsize=(13, 3.6))[1]
    axes[0].plot(ranks, [row["trainable"] for row in rows], "o-", label="LoRA")
    axes[1].plot(ranks, [row["seconds per step"] for row in rows], "o-", label="LoRA")
    for key, style in (("format compliance", "o-"), ("both correct", "s-")):
        axes[2].plot(ranks, [100 * row[key] for row in rows], style, label=f"LoRA: {key}")
    if full is not None:
        axes[0].axhline(full["trainable"], color="tab:red", ls="--", label="full fine-tuning")
        axes[1].axhline(full["seconds per step"], color="tab:red", ls="--", label="full fine-tuning")
        axes[2].axhline(100 * full["after"]["both correct"], color="tab:red", ls="--", label="full: both correct")
    axes[0].set(yscale="log", title="Trainable parameters", ylabel="parameters (log scale)")
    axes[1].set(title="Time per training step", ylabel="seconds per step", ylim=(0, None))
    axes[2].set(title="Task-format quality on the test set", ylabel="share of test answers (%)", ylim=(0, 105))
    for ax in axes:
        ax.set(xscale="log", xlabel="LoRA rank r (log scale)")
        ax.set_xticks(ranks, [str(r) for r in ranks])
        ax.legend(fontsize=8)
    return axes
