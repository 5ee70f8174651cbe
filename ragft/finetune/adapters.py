"""Chapter 04's LoRA adapters: how they are trained (the recipes), where the shipped ones live, how to load them
and their numbers.

`python -m ragft.make.adapters` trains them (LoRA r=8 on every linear layer: c_attn, c_proj, c_fc) and writes
`results.json` with the numbers of the long runs; chapter 04 trains shorter runs of the same recipes live.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ragft.evaluate.answer_format import format_scores
from ragft.evaluate.answers import closed_book_summary, qa_summary
from ragft.finetune.lora import apply_lora, load_adapter
from ragft.finetune.sft import Pair, evaluate_pairs, format_pair, pair_examples, train_pairs
from ragft.model.generation import generate_all
from ragft.model.gpt import TinyGPT
from ragft.model.training import TrainConfig, TrainHistory
from ragft.paths import CHECKPOINTS_DIR
from ragft.rag.evaluation import rag_records
from ragft.rag.knowledge_base import COURSE_K, course_retriever
from ragft.seed import DEFAULT_SEED, set_seed
from ragft.world.load import cases_of, load_questions, load_task_format


# LoRA wraps every linear layer of a GPT-2 block: attention's c_attn and c_proj, the MLP's c_fc and c_proj.
TARGET_MODULES = ["c_attn", "c_proj", "c_fc"]
ADAPTERS_DIR = CHECKPOINTS_DIR / "adapters"
RESULTS_FILE = "results.json"
ADAPTERS = ("task_format", "style", "domain", "retrieval")
RANK = 8
ALPHA = 16  # fixed, as peft's default usage: the update is scaled by ALPHA / r
RANKS = (1, 2, 4, 8, 16)
# The rank sweep's adapters (the task-format recipe at each rank); rank RANK is the task_format adapter, the same run.
SWEEP_ADAPTERS = {r: "task_format" if r == RANK else f"rank_sweep/r{r}" for r in RANKS}
SHIPPED_ADAPTERS = tuple(dict.fromkeys([*ADAPTERS, *SWEEP_ADAPTERS.values()]))  # every adapter folder, once
CONFIDENT = 0.5  # an answer is "confident" when the model gave it probability >= 0.5
# The retrieval adapter's training prompts: BM25's best passage in front of each train question (the adapter was made
# before chapter 03 chose hybrid retrieval; it reads one passage, whichever retriever picked it). One passage, as
# `ragft.rag.knowledge_base.COURSE_K`, also leaves room in the 256-token context for the format's long answers.
RETRIEVAL_K = 1


@dataclass(frozen=True)
class Recipe:
    """How one run trains: steps, batch, peak learning rate (LoRA learns with a larger rate than full fine-tuning)."""

    steps: int
    batch_size: int
    lr: float
    block_size: int | None = None  # continued pretraining only: tokens per block

    def config(self, seed: int = DEFAULT_SEED) -> TrainConfig:
        """The `TrainConfig` of this recipe: warm-up over a tenth of the steps, cosine decay to a tenth of lr."""
        return TrainConfig(steps=self.steps, batch_size=self.batch_size, block_size=self.block_size, lr=self.lr,
                           min_lr=self.lr / 10, warmup_steps=max(1, self.steps // 10), weight_decay=0.0,
                           eval_every=0, seed=seed)  # fmt: skip


# The recipes of the shipped adapters (`python -m ragft.make.adapters`).
RECIPES = {
    "task_format": Recipe(steps=200, batch_size=16, lr=5e-3),
    "style": Recipe(steps=300, batch_size=16, lr=1e-2),  # new words to learn: a higher rate and more steps
    "domain": Recipe(steps=200, batch_size=16, lr=5e-3, block_size=128),
    "full_finetuning": Recipe(steps=200, batch_size=16, lr=3e-4),  # the task format, every parameter trained
    "retrieval": Recipe(steps=300, batch_size=16, lr=5e-3),
}


def with_lora(base: TinyGPT, r: int = RANK) -> TinyGPT:
    """A copy of the base model with LoRA (rank r, alpha ALPHA) on every linear layer; only A and B train."""
    model = copy.deepcopy(base)
    apply_lora(model.model, TARGET_MODULES, r=r, alpha=ALPHA)
    return model


def fine_tune(model: TinyGPT, pairs: Sequence[Pair], recipe: Recipe, seed: int = DEFAULT_SEED,
              progress: bool = True) -> TrainHistory:
    """Train `model`'s trainable parameters (LoRA's A and B, or all) on `pairs` by `recipe`, from the seeded state."""
    examples = pair_examples(model, pairs)
    set_seed(seed)  # every run starts from the same random state, as the shipped adapters did
    return train_pairs(model.model, examples, recipe.config(seed), progress=progress)


def train_lora(base: TinyGPT, pairs: Sequence[Pair], recipe: Recipe, r: int = RANK, seed: int = DEFAULT_SEED,
               progress: bool = True) -> tuple[TinyGPT, TrainHistory]:
    """A copy of `base` with LoRA (rank r) on every linear layer, fine-tuned on `pairs` by `recipe`; `base` is unchanged."""
    model = with_lora(base, r)
    return model, fine_tune(model, pairs, recipe, seed, progress)


def with_adapter(base: TinyGPT, directory: str | Path) -> TinyGPT:
    """A copy of `base` with the LoRA adapter saved in `directory` (by `ragft.finetune.lora.save_adapter`); `base` is unchanged."""
    model = copy.deepcopy(base)
    load_adapter(model.model, directory)
    return model


def format_test_scorer(base: TinyGPT) -> Callable[[TinyGPT], dict[str, float]]:
    """The scorer of the task-format test split, as results.json records it: a model's format scores (greedy answers)
    and its loss on the targets."""
    test = load_task_format("test")
    pairs, cases = [format_pair(e) for e in test], cases_of(test)
    examples = pair_examples(base, pairs)

    def score(model: TinyGPT) -> dict[str, float]:
        answers = generate_all(model, [pair.prompt for pair in pairs])
        return {**format_scores(answers, cases), "target loss": evaluate_pairs(model.model, examples)}

    return score


def knowledge_table(base: TinyGPT, domain: TinyGPT) -> dict[str, dict]:
    """New-case test questions answered closed book (base, after domain fine-tuning), with RAG (chapter 03's
    setting), and with both; plus known-case test questions closed book before and after (does the new knowledge
    push out the old?): results.json's `domain.questions`."""
    new, known = load_questions(case_split="new", split="test"), load_questions(case_split="known", split="test")
    retriever = course_retriever()
    return {
        "new cases": {
            "closed book, base model": closed_book_summary(base, new, CONFIDENT),
            "closed book, after domain fine-tuning": closed_book_summary(domain, new, CONFIDENT),
            "RAG, base model": qa_summary(rag_records(base, retriever, new, COURSE_K), CONFIDENT),
            "RAG, after domain fine-tuning": qa_summary(rag_records(domain, retriever, new, COURSE_K), CONFIDENT),
        },
        "known cases": {
            "closed book, base model": closed_book_summary(base, known, CONFIDENT),
            "closed book, after domain fine-tuning": closed_book_summary(domain, known, CONFIDENT),
        },
    }


def load_results(directory: Path = ADAPTERS_DIR) -> dict:
    """The numbers `make_adapters` measured, from `results.json`."""
    path = directory / RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"No {path}: make the adapters with `python -m ragft.make.adapters` (about 10 minutes).")
    return json.loads(path.read_text(encoding="utf-8"))
