"""Pretrain the course's tiny GPT on the fictional world's corpus and save it to checkpoints/tiny-gpt.

    python -m ragft.make.pretrain                                # the course checkpoint (about 35 min on 2 cores)
    python -m ragft.make.pretrain --minutes 2 --reading-steps 0 --out /tmp/tiny-gpt
    python -m ragft.make.pretrain --minutes 0.04 --reading-steps 2 --eval-questions 2 --out /tmp/smoke  # smoke run

Two stages, as large LLMs are built: (1) pretraining on the corpus; (2) reading practice, a shorter run on the
corpus mixed with reading items about hypothetical cases (`ragft.world.practice.reading_practice`), which teaches the model
to copy an answer out of a context: the skill RAG relies on. `--stage1 DIR` reuses a saved stage-1 checkpoint.

Runs are reproducible: `--minutes` is turned into a number of steps with the throughput measured on 2 CPU
cores (STEPS_PER_MINUTE), never read from the clock, so the same arguments give the same model on any machine.
"""

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import transformers

from ragft.evaluate.answers import closed_book_table
from ragft.model.baselines import bigram_loss, uniform_loss
from ragft.model.gpt import COURSE_MODEL_DIR, TinyGPT, count_parameters, make_gpt
from ragft.model.tokenizer import encode_documents, train_tokenizer
from ragft.model.training import TrainConfig, evaluate_loss, train
from ragft.paths import DATASETS_DIR, file_sha256
from ragft.seed import DEFAULT_SEED, set_seed
from ragft.world.groups import question_groups
from ragft.world.load import load_pretrain_corpus
from ragft.world.practice import reading_practice
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import CORPUS_FILE, QUESTION_KINDS, Question

VOCAB_SIZE = 4096  # an upper bound: on this templated corpus BPE runs out of merges sooner (each word one token)
MODEL = {"n_layer": 4, "n_head": 4, "n_embd": 192, "n_positions": 256}
BATCH_SIZE = 16  # 16 blocks of 256 tokens: 4096 tokens per step
STEPS_PER_MINUTE = 50  # measured for MODEL and BATCH_SIZE on 2 CPU cores: about 3,300 tokens per second
DEFAULT_MINUTES = 28
READING_STEPS = 800  # stage 2
BIGRAM_K = 0.01  # add-k smoothing of the bigram baseline


def train_config(minutes: float, seed: int) -> TrainConfig:
    """The training settings for a run of `minutes` minutes' worth of steps."""
    steps = max(1, round(minutes * STEPS_PER_MINUTE))
    return TrainConfig(
        steps=steps,
        batch_size=BATCH_SIZE,
        lr=2e-3,
        min_lr=2e-4,
        warmup_steps=min(100, steps // 10),
        weight_decay=0.1,
        eval_every=max(1, steps // 20),
        eval_blocks=64,
        seed=seed,
    )


def reading_config(steps: int, seed: int) -> TrainConfig:
    """Stage 2's settings: a lower learning rate than pretraining, the model already knows the corpus."""
    return TrainConfig(steps=steps, batch_size=BATCH_SIZE, lr=1e-3, min_lr=1e-4, warmup_steps=min(20, steps),
                       weight_decay=0.1, eval_every=max(1, steps // 10), eval_blocks=64, seed=seed)


def evaluate_checkpoint(
    tiny: TinyGPT, train_ids: np.ndarray, val_ids: np.ndarray, datasets_dir: str | Path | None = None,
    eval_questions: int | None = None,
) -> dict:
    """A checkpoint's metrics (validation loss next to the baselines, closed-book exact match) and samples. With
    `eval_questions`, closed book on only the first that many questions of each kind in each group (recorded)."""
    vocab_size = tiny.tokenizer.get_vocab_size()
    groups = question_groups(datasets_dir)
    if eval_questions is not None:
        groups = {name: [q for kind in QUESTION_KINDS for q in [q for q in qs if q.kind == kind][:eval_questions]]
                  for name, qs in groups.items()}
    metrics = {
        "val_loss": round(evaluate_loss(tiny.model, val_ids), 4),
        "bigram_val_loss": round(bigram_loss(train_ids, val_ids, vocab_size, BIGRAM_K), 4),
        "bigram_k": BIGRAM_K,
        "uniform_loss": round(uniform_loss(vocab_size), 4),
        "closed_book_exact_match": closed_book_table(tiny, groups),
        **({"closed_book_questions_per_kind": eval_questions} if eval_questions is not None else {}),
    }
    return {"metrics": metrics, "samples": sample_answers(tiny, groups)}


def sample_answers(model: TinyGPT, groups: dict[str, list[Question]]) -> list[dict[str, str]]:
    """The model's answer to the first citation question of each group, next to the gold answer."""
    samples = []
    for name, questions in groups.items():
        question = next(q for q in questions if q.kind == "citation")
        prompt = closed_book_prompt(question.question)
        samples.append({"group": name, "prompt": prompt, "output": model.generate(prompt), "gold": question.answer})
    return samples


def pretrain(
    minutes: float = DEFAULT_MINUTES,
    out: str | Path = COURSE_MODEL_DIR,
    seed: int = DEFAULT_SEED,
    datasets_dir: str | Path | None = None,
    reading_steps: int = READING_STEPS,
    stage1: str | Path | None = None,
    threads: int = 2,
    eval_questions: int | None = None,
) -> TinyGPT:
    """Train tokenizer and model on the corpus, then practise reading; save to `out`; return the model with metrics.
    `eval_questions` limits the closed-book evaluation to that many questions of each kind per group (a quick run).

    The same thread count on the same machine gives the same weights; another thread count sums in another order.
    """
    if eval_questions is not None and eval_questions < 1:
        raise ValueError(f"eval_questions (--eval-questions) must be at least 1, got {eval_questions}")
    torch.set_num_threads(threads)
    set_seed(seed)
    train_docs = [doc.text for doc in load_pretrain_corpus("train", datasets_dir)]
    val_docs = [doc.text for doc in load_pretrain_corpus("val", datasets_dir)]
    corpus_sha = file_sha256(Path(datasets_dir or DATASETS_DIR) / CORPUS_FILE)
    if stage1 is None:
        tiny, record = _stage1(train_docs, val_docs, minutes, seed, corpus_sha)
    else:
        tiny = TinyGPT.load(stage1)
        record = {k: v for k, v in tiny.training.items() if k not in ("metrics", "samples")}
        if record.get("corpus", {}).get("sha256") != corpus_sha or "reading_practice" in record:
            raise ValueError(f"{stage1} is not a stage-1 checkpoint of this corpus: run without --stage1")
        record["command"] = record["command"].removesuffix(f" --threads {record.pop('threads', '')}")  # set again below
    train_ids, val_ids = encode_documents(tiny.tokenizer, train_docs), encode_documents(tiny.tokenizer, val_docs)
    if reading_steps:
        record["reading_practice"] = _stage2(tiny, train_docs, val_ids, reading_steps, seed)
        record["command"] += f" --reading-steps {reading_steps}"
    record["command"] += f" --threads {threads}"
    record["threads"] = threads
    TinyGPT(tiny.model, tiny.tokenizer, record).save(out)
    tiny = TinyGPT.load(out)  # measure exactly what ships: the float16 weights
    tiny.training.update(evaluate_checkpoint(tiny, train_ids, val_ids, datasets_dir, eval_questions))
    tiny.save(out)
    return tiny


def _stage1(train_docs: list[str], val_docs: list[str], minutes: float, seed: int, corpus_sha: str):
    """Tokenizer and pretraining on the corpus: the model and the run's record."""
    tokenizer = train_tokenizer(train_docs, VOCAB_SIZE)
    train_ids, val_ids = encode_documents(tokenizer, train_docs), encode_documents(tokenizer, val_docs)
    print(f"corpus: {len(train_docs)} train documents, {len(train_ids):,} tokens; val {len(val_ids):,} tokens")
    model = make_gpt(tokenizer.get_vocab_size(), **MODEL)
    cfg = train_config(minutes, seed)
    print(f"model: {count_parameters(model):,} parameters, {MODEL}; {cfg.steps} steps")
    set_seed(cfg.seed)  # each stage starts from the seeded state, as the shipped checkpoint did
    history = train(model, train_ids, cfg, val_ids)
    record = {
        "command": f"python -m ragft.make.pretrain --minutes {minutes:g} --seed {seed}",
        "seed": seed,
        "vocab_size": tokenizer.get_vocab_size(),
        "model": MODEL,
        "parameters": count_parameters(model),
        "train_config": asdict(cfg),
        "corpus": {
            "sha256": corpus_sha,
            "train_documents": len(train_docs),
            "train_tokens": len(train_ids),
            "val_tokens": len(val_ids),
        },
        "seconds": round(history.seconds, 1),
        "tokens_seen": history.tokens_seen,
        "epochs": round(history.tokens_seen / len(train_ids), 1),
        "tokens_per_second": round(history.tokens_per_second),
        "loss_history": [round(loss, 4) for loss in history.losses[:: max(1, cfg.steps // 200)]],
        "val_loss_history": [[step, round(loss, 4)] for step, loss in history.val_losses],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }
    return TinyGPT(model, tokenizer, record), record


def _stage2(tiny: TinyGPT, train_docs: list[str], val_ids: np.ndarray, steps: int, seed: int) -> dict:
    """Reading practice: train on the corpus mixed with reading items about hypothetical cases; the run's record."""
    items = reading_practice(seed)
    mixed = train_docs + items
    random.Random(f"{seed}/reading practice order").shuffle(mixed)
    ids = encode_documents(tiny.tokenizer, mixed)
    cfg = reading_config(steps, seed)
    print(f"reading practice: {len(items)} items + the corpus, {len(ids):,} tokens; {steps} steps")
    set_seed(cfg.seed)
    history = train(tiny.model, ids, cfg, val_ids)
    return {
        "items": len(items),
        "train_tokens": len(ids),
        "train_config": asdict(cfg),
        "seconds": round(history.seconds, 1),
        "loss_history": [round(loss, 4) for loss in history.losses[:: max(1, steps // 100)]],
        "val_loss_history": [[step, round(loss, 4)] for step, loss in history.val_losses],
    }


def report(tiny: TinyGPT) -> str:
    """A readable summary of a pretraining run's record."""
    t, m = tiny.training, tiny.training["metrics"]
    lines = [
        f"{t['parameters']:,} parameters, {t['train_config']['steps']} steps, {t['epochs']} epochs, "
        f"{t['seconds'] / 60:.1f} min at {t['tokens_per_second']:,} tokens/s",
        *([f"reading practice: {r['items']} items, {r['train_config']['steps']} steps, {r['seconds'] / 60:.1f} min"]
          if (r := t.get("reading_practice")) else []),
        f"val loss {m['val_loss']:.3f} nats/token | bigram (add-{m['bigram_k']}) {m['bigram_val_loss']:.3f} | "
        f"uniform ln V {m['uniform_loss']:.3f}",
        "closed-book exact match" + (f" (the first {n} questions of each kind)"
                                     if (n := m.get("closed_book_questions_per_kind")) else "")
        + ":  " + "  ".join(f"{k:>13}" for k in ("all", *QUESTION_KINDS)),
    ]
    for group, row in m["closed_book_exact_match"].items():
        lines.append(f"  {group:<23}" + "  ".join(f"{row[k]:>13.3f}" for k in ("all", *QUESTION_KINDS)))
    for s in t["samples"]:
        lines.append(f"  [{s['group']}] {s['prompt']!r} -> {s['output'].strip()!r} (gold {s['gold']!r})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Pretrain the course's tiny GPT and save its checkpoint.")
    parser.add_argument(
        "--minutes", type=float, default=DEFAULT_MINUTES, help="training minutes on 2 CPU cores, as a step count"
    )
    parser.add_argument("--out", type=Path, default=COURSE_MODEL_DIR, help="checkpoint directory")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--datasets", type=Path, default=None, help="datasets directory (default datasets/)")
    parser.add_argument("--reading-steps", type=int, default=READING_STEPS, help="stage-2 steps (0: skip stage 2)")
    parser.add_argument("--stage1", type=Path, default=None, help="reuse this stage-1 checkpoint instead of stage 1")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch CPU threads (default 2, the course's machine; 1 on a busy machine is faster)")
    parser.add_argument("--eval-questions", type=int, default=None, metavar="N",
                        help="closed book on the first N questions of each kind per group only (default: all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tiny = pretrain(args.minutes, args.out, args.seed, args.datasets, args.reading_steps, args.stage1, args.threads,
                    args.eval_questions)
    print(report(tiny))
    print(f"saved to {args.out} in {(time.perf_counter() - start) / 60:.1f} min")


if __name__ == "__main__":
    main()
