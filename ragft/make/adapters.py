"""Train chapter 04's LoRA adapters from the course checkpoint and measure them: `python -m ragft.make.adapters`.

    python -m ragft.make.adapters                     # writes checkpoints/adapters/ (about 10 minutes on 2 cores)
    python -m ragft.make.adapters --quick --out /tmp/adapters   # a few steps of everything, to try the script
    python -m ragft.make.adapters --only retrieval    # only the retrieval adapter (a few minutes); updates results.json

Writes one adapter per kind of fine-tuning (LoRA r=8 on every linear layer: c_attn, c_proj, c_fc):

- `task_format/`: answer in the fixed format "Holding: … Authority: <name> <citation>";
- `style/`: rewrite a legal holding as a plain-English note to a client;
- `domain/`: continued pretraining on the new cases' documents (knowledge injection);
- `retrieval/`: chapter 05's LoRA + RAG: answers read from a retrieved passage, both plain answers and the format
  (the RAFT recipe: fine-tuning on retrieval prompts), with format items about hypothetical cases so that the
  adapter copies names it has never seen;

the rank sweep's adapters in `rank_sweep/r1`, `r2`, `r4`, `r16` (rank 8 is `task_format/`, the same run),
and `results.json` with the numbers of these long runs, which chapter 04 shows beside its short live runs of the same
recipes (`ragft.finetune.adapters.RECIPES`): before/after scores of the three runs on the test split,
knowledge injection by fine-tuning vs RAG on the new cases' test questions (with confident-wrong rates), the rank
sweep (r = 1, 2, 4, 8, 16) and full fine-tuning vs LoRA on the task format, the timings, and each adapter file's
provenance (its SHA-256, the exact command and the thread count that made it).

Seeded, but floating-point sums depend on the thread count and the CPU: the same command with the same `--threads` on
the same machine gives bit-identical adapters; elsewhere the weights differ slightly and the scores stay within a
margin (`checkpoints/adapters/README.md`).
"""

from __future__ import annotations

import argparse
import copy
import json
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import torch
import transformers

from ragft.evaluate.style import style_scores
from ragft.finetune.adapters import (ADAPTERS_DIR, ALPHA, CONFIDENT, RANK, RANKS, RECIPES, RESULTS_FILE, RETRIEVAL_K,
                                     SHIPPED_ADAPTERS, SWEEP_ADAPTERS, TARGET_MODULES, Recipe, fine_tune,
                                     format_test_scorer, knowledge_table, load_results, train_lora, with_lora)
from ragft.finetune.domain import domain_ids, domain_mix
from ragft.finetune.lora import save_adapter, trainable_and_total
from ragft.finetune.sft import Pair, format_pair, style_pair
from ragft.model.generation import generate_all
from ragft.model.gpt import COURSE_MODEL_DIR, TinyGPT, load_course_model
from ragft.model.training import TrainHistory, train
from ragft.paths import REPO_ROOT, file_sha256
from ragft.rag.knowledge_base import COURSE_K, COURSE_RETRIEVER, bm25_retriever, rag_prompt
from ragft.seed import DEFAULT_SEED, set_seed
from ragft.world.load import load_questions, load_style_transfer, load_task_format
from ragft.world.practice import format_practice
from ragft.world.prompts import reading_prompt

COMMAND = "python -m ragft.make.adapters"
REPLAY = 0.5  # domain adaptation mixes in pretraining text worth half the domain documents (against forgetting)
QUICK = {name: Recipe(3, 4, r.lr, r.block_size) for name, r in RECIPES.items()}


def rounded(value):
    """Floats rounded to 4 places, inside dicts and lists too."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def run_record(model: TinyGPT, history: TrainHistory, recipe: Recipe) -> dict:
    """What every run reports: parameters, timing, and the loss curve (every 5th step)."""
    trainable, total = trainable_and_total(model.model)
    return {"trainable": trainable, "total": total, "trainable fraction": trainable / total,
            "recipe": asdict(recipe), "seconds": history.seconds, "seconds per step": history.seconds / recipe.steps,
            "loss": history.losses[::5] + history.losses[-1:]}  # fmt: skip


def format_run(base: TinyGPT, model: TinyGPT, recipe: Recipe, seed: int) -> tuple[dict, Callable[[TinyGPT], dict]]:
    """Train `model` on the task-format train split; return its record and the scorer of the test split."""
    score = format_test_scorer(base)
    history = fine_tune(model, [format_pair(e) for e in load_task_format("train")], recipe, seed)
    return run_record(model, history, recipe), score


def style_run(base: TinyGPT, model: TinyGPT, recipe: Recipe, seed: int) -> tuple[dict, Callable[[TinyGPT], dict]]:
    """Train `model` on the style-transfer train split; return its record and the scorer of the test split."""
    test = load_style_transfer("test")

    def score(m: TinyGPT) -> dict:
        return style_scores(generate_all(m, [style_pair(e).prompt for e in test]), [e.holding_text for e in test])

    history = fine_tune(model, [style_pair(e) for e in load_style_transfer("train")], recipe, seed)
    return run_record(model, history, recipe), score


def domain_run(model: TinyGPT, recipe: Recipe, seed: int) -> dict:
    """Continued pretraining of `model` on the new cases' documents (the LM loss on every token)."""
    texts = domain_mix(REPLAY, seed)
    ids = domain_ids(model, texts)
    set_seed(seed)
    history = train(model.model, ids, recipe.config(seed), progress=True)
    record = run_record(model, history, recipe)
    record.update({"replay": REPLAY, "documents": len(texts), "tokens": len(ids),
                   "epochs": history.tokens_seen / len(ids)})  # fmt: skip
    return record


def retrieval_pairs(seed: int) -> list[Pair]:
    """The retrieval adapter's training set: every train-split question of the task format and of closed-book QA
    with its best BM25 passage, and the format items about hypothetical cases (`ragft.world.practice.format_practice`)."""
    retriever = bm25_retriever()
    asked = [(e.question, e.target) for e in load_task_format("train")]
    asked += [(q.question, q.answer) for q in load_questions(split="train")]
    pairs = [Pair(rag_prompt(retriever, question, RETRIEVAL_K), target) for question, target in asked]
    return pairs + [Pair(reading_prompt([passage], question), target)
                    for passage, question, target in format_practice(seed)]


def make_retrieval_adapter(base: TinyGPT, out: Path, recipe: Recipe, seed: int) -> dict:
    """Fine-tune LoRA to answer from a retrieved passage (chapter 05's LoRA + RAG), save it, return its record."""
    pairs = retrieval_pairs(seed)
    model, history = train_lora(base, pairs, recipe, seed=seed)
    save_adapter(model.model, out / "retrieval")
    return {**run_record(model, history, recipe), "pairs": len(pairs), "k": RETRIEVAL_K}


def adapter_file(out: Path, name: str, command: str, threads: int) -> dict:
    """Provenance of one adapter file: its SHA-256 and size, and the exact command and thread count that made it."""
    path = out / name / "adapter.safetensors"
    return {"sha256": file_sha256(path), "bytes": path.stat().st_size, "command": command, "threads": threads}


def make_adapters(out: Path = ADAPTERS_DIR, base_dir: Path = COURSE_MODEL_DIR, seed: int = DEFAULT_SEED,
                  quick: bool = False, threads: int = 2, command: str = COMMAND) -> dict:
    """Train and save the three adapters, run the rank sweep and full fine-tuning, write and return the results."""
    torch.set_num_threads(threads)  # 2: the course's target machine
    start = time.perf_counter()
    recipes = QUICK if quick else RECIPES
    set_seed(seed)
    base = load_course_model(base_dir)
    results: dict = {"command": command, "threads": threads, "seed": seed,
                     "rank": RANK, "alpha": ALPHA, "target_modules": TARGET_MODULES,
                     "confidence threshold": CONFIDENT, "rag_retriever": COURSE_RETRIEVER, "rag_k": COURSE_K}  # fmt: skip

    print("1/6 task format")
    model = with_lora(base)
    record, score = format_run(base, model, recipes["task_format"], seed)
    results["task_format"] = {**record, "before": score(base), "after": score(model)}
    save_adapter(model.model, out / "task_format")
    sweep = {RANK: {**record, **results["task_format"]["after"]}}

    print("2/6 style transfer")
    model = with_lora(base)
    record, score = style_run(base, model, recipes["style"], seed)
    results["style"] = {**record, "before": score(base), "after": score(model)}
    save_adapter(model.model, out / "style")

    print("3/6 domain adaptation (knowledge injection)")
    model = with_lora(base)
    results["domain"] = domain_run(model, recipes["domain"], seed)
    results["domain"]["questions"] = knowledge_table(base, model)
    save_adapter(model.model, out / "domain")

    print("4/6 rank sweep on the task format")
    for r in RANKS:
        if r not in sweep:
            model = with_lora(base, r)
            record, score = format_run(base, model, recipes["task_format"], seed)
            sweep[r] = {**record, **score(model)}
            save_adapter(model.model, out / SWEEP_ADAPTERS[r])  # small: the test suite measures each one again
    results["rank_sweep"] = {str(r): {k: v for k, v in sweep[r].items() if k not in ("loss", "recipe")} for r in RANKS}

    print("5/6 full fine-tuning on the task format")
    model = copy.deepcopy(base)
    model.model.requires_grad_(True)
    record, score = format_run(base, model, recipes["full_finetuning"], seed)
    results["full_finetuning"] = {**record, "after": score(model)}

    print("6/6 retrieval adapter (chapter 05's LoRA + RAG)")
    results["retrieval"] = make_retrieval_adapter(base, out, recipes["retrieval"], seed)

    results["adapter_files"] = {name: adapter_file(out, name, command, threads) for name in SHIPPED_ADAPTERS}
    results["checkpoint_bytes"] = (base_dir / "model.safetensors").stat().st_size
    results["base_sha256"] = file_sha256(base_dir / "model.safetensors")  # the adapters fit this checkpoint only
    results["seconds"] = time.perf_counter() - start
    results["versions"] = {"torch": torch.__version__, "transformers": transformers.__version__}
    return write_results(results, out)


def write_results(results: dict, out: Path) -> dict:
    """Round the floats and write results.json; return what was written."""
    results = rounded(results)
    (out / RESULTS_FILE).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def update_retrieval_adapter(out: Path = ADAPTERS_DIR, base_dir: Path = COURSE_MODEL_DIR, seed: int = DEFAULT_SEED,
                             quick: bool = False, threads: int = 2, command: str = f"{COMMAND} --only retrieval") -> dict:
    """Train only the retrieval adapter and put its record into the existing results.json (`--only retrieval`)."""
    torch.set_num_threads(threads)
    results = load_results(out)
    base = load_course_model(base_dir)
    if results["base_sha256"] != file_sha256(base_dir / "model.safetensors"):
        raise ValueError(f"{out / RESULTS_FILE} belongs to another checkpoint: run `python -m ragft.make.adapters`")
    set_seed(seed)
    results["retrieval"] = make_retrieval_adapter(base, out, (QUICK if quick else RECIPES)["retrieval"], seed)
    results["adapter_files"]["retrieval"] = adapter_file(out, "retrieval", command, threads)
    return write_results(results, out)


def summary(results: dict) -> str:
    """A few readable lines of the results."""
    lines = [f"made in {results['seconds'] / 60:.1f} min"]
    for name in ("task_format", "style"):
        lines.append(f"{name}: before {results[name]['before']} | after {results[name]['after']}")
    for group, rows in results["domain"]["questions"].items():
        for row, values in rows.items():
            lines.append(f"{group} · {row}: {values}")
    for r, row in results["rank_sweep"].items():
        lines.append(f"r={r}: {row['trainable']:,} trainable, {row['seconds per step']:.3f} s/step, "
                     f"compliance {row['format compliance']:.3f}, both correct {row['both correct']:.3f}, "
                     f"target loss {row['target loss']:.3f}")
    full = results["full_finetuning"]
    lines.append(f"full fine-tuning: {full['trainable']:,} trainable, {full['seconds per step']:.3f} s/step, {full['after']}")
    if "retrieval" in results:
        lines.append(f"retrieval adapter: {results['retrieval']['pairs']} pairs, {results['retrieval']['seconds']:.0f} s")
    sizes = {name: file["bytes"] for name, file in results["adapter_files"].items()}
    lines.append(f"adapters (bytes): {sizes}; checkpoint {results['checkpoint_bytes']:,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ADAPTERS_DIR, help="where to write the adapters and results.json")
    parser.add_argument("--base", type=Path, default=COURSE_MODEL_DIR, help="the pretrained checkpoint to adapt")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--quick", action="store_true", help="a few steps of every run, to try the script")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2, the course's machine)")
    parser.add_argument("--only", choices=["retrieval"], help="train only this adapter; update results.json")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    make = update_retrieval_adapter if args.only == "retrieval" else make_adapters
    command = " ".join([COMMAND, *map(shlex.quote, argv)])  # exactly as run, so it can be run again
    results = make(args.out, args.base, args.seed, args.quick, args.threads, command)
    print(summary(results))
    try:
        shown = args.out.resolve().relative_to(REPO_ROOT)
    except ValueError:
        shown = args.out
    print(f"wrote {shown}")


if __name__ == "__main__":
    main()
