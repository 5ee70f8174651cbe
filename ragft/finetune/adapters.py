"""Chapter 04's shipped LoRA adapters: where they live, how they were set up, and how to load them and their numbers.

`python -m ragft.make.adapters` trains them (LoRA r=8 on every linear layer: c_attn, c_proj, c_fc) and writes
`results.json` with every number chapter 04 shows.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from ragft.finetune.lora import apply_lora, load_adapter
from ragft.model.gpt import TinyGPT
from ragft.paths import CHECKPOINTS_DIR


# LoRA wraps every linear layer of a GPT-2 block: attention's c_attn and c_proj, the MLP's c_fc and c_proj.
TARGET_MODULES = ["c_attn", "c_proj", "c_fc"]
ADAPTERS_DIR = CHECKPOINTS_DIR / "adapters"
RESULTS_FILE = "results.json"
ADAPTERS = ("task_format", "style", "domain", "retrieval")
RANK = 8
ALPHA = 16  # fixed, as peft's default usage: the update is scaled by ALPHA / r
RANKS = (1, 2, 4, 8, 16)
CONFIDENT = 0.5  # an answer is "confident" when the model gave it probability >= 0.5
RAG_K = 2  # passages per RAG prompt, as in chapter 03
# Passages per prompt of the retrieval adapter and of chapter 05: BM25 ranks the right passage first for every test
# question (chapter 03), and one passage leaves room in the 256-token context for the format's long answers.
RETRIEVAL_K = 1


def with_lora(base: TinyGPT, r: int = RANK) -> TinyGPT:
    """A copy of the base model with LoRA (rank r, alpha ALPHA) on every linear layer; only A and B train."""
    model = copy.deepcopy(base)
    apply_lora(model.model, TARGET_MODULES, r=r, alpha=ALPHA)
    return model


def with_adapter(base: TinyGPT, directory: str | Path) -> TinyGPT:
    """A copy of `base` with the LoRA adapter saved in `directory` (by `ragft.finetune.lora.save_adapter`); `base` is unchanged."""
    model = copy.deepcopy(base)
    load_adapter(model.model, directory)
    return model


def load_results(directory: Path = ADAPTERS_DIR) -> dict:
    """The numbers `make_adapters` measured, from `results.json`."""
    path = directory / RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"No {path}: make the adapters with `python -m ragft.make.adapters` (about 10 minutes).")
    return json.loads(path.read_text(encoding="utf-8"))
