"""The recipes and `train_lora`, which chapter 04's live runs and `python -m ragft.make.adapters` share (tiny configs)."""

import copy

import pytest
import torch

from ragft.finetune.adapters import RECIPES, Recipe, fine_tune, train_lora
from ragft.finetune.lora import lora_layers, lora_state_dict, trainable_and_total
from ragft.finetune.sft import Pair
from ragft.model.gpt import TinyGPT, make_gpt
from ragft.model.tokenizer import train_tokenizer
from ragft.model.training import TrainConfig

PAIRS = [Pair("Question: Who won Marlow v. Teague?\nAnswer:", "Marlow"),
         Pair("Question: Who won Ashby v. Crane?\nAnswer:", "Crane")]  # fmt: skip
RECIPE = Recipe(steps=40, batch_size=2, lr=2e-2)


@pytest.fixture(scope="module")
def base() -> TinyGPT:
    tokenizer = train_tokenizer([f"{p.prompt} {p.target}" for p in PAIRS] * 10, vocab_size=200)
    torch.manual_seed(0)
    model = make_gpt(tokenizer.get_vocab_size(), n_layer=2, n_head=2, n_embd=32, n_positions=64)
    with torch.no_grad():  # embeddings as large as a trained model's, so the frozen tied head can become sure
        model.transformer.wte.weight.normal_(std=0.3)
    return TinyGPT(model.eval(), tokenizer)


def test_a_recipe_warms_up_over_a_tenth_and_decays_to_a_tenth():
    cfg = Recipe(steps=120, batch_size=8, lr=5e-3).config(seed=7)
    assert cfg == TrainConfig(steps=120, batch_size=8, lr=5e-3, min_lr=5e-4, warmup_steps=12, weight_decay=0.0,
                              eval_every=0, seed=7)  # fmt: skip
    assert Recipe(steps=5, batch_size=1, lr=1.0).config().warmup_steps == 1  # never zero warm-up steps
    assert RECIPES["domain"].block_size and not RECIPES["task_format"].block_size  # continued pretraining reads blocks


def test_train_lora_trains_a_copy_at_rank_r_and_leaves_the_base_alone(base):
    before = {k: v.clone() for k, v in base.model.state_dict().items()}
    model, history = train_lora(base, PAIRS, RECIPE, r=2, progress=False)
    assert all(torch.equal(v, before[k]) for k, v in base.model.state_dict().items())  # the base is untouched
    assert not lora_layers(base.model)
    assert {layer.r for layer in lora_layers(model.model).values()} == {2}
    assert trainable_and_total(model.model)[0] == sum(p.numel() for p in lora_state_dict(model.model).values())
    assert len(history.losses) == RECIPE.steps and history.losses[-1] < 0.5 * history.losses[0]


def test_train_lora_is_repeatable_and_the_rank_changes_the_run(base):
    first, second = (train_lora(base, PAIRS, RECIPE, r=2, progress=False)[1] for _ in range(2))
    assert first.losses == second.losses  # seeded inside: the same recipe gives the same run
    assert train_lora(base, PAIRS, RECIPE, r=1, progress=False)[1].losses != first.losses


def test_fine_tune_trains_every_parameter_of_a_model_without_lora(base):
    model = copy.deepcopy(base)
    model.model.requires_grad_(True)
    history = fine_tune(model, PAIRS, Recipe(steps=10, batch_size=2, lr=1e-3), progress=False)
    changed = [not torch.equal(p, q) for p, q in zip(model.model.parameters(), base.model.parameters())]
    assert len(history.losses) == 10 and all(changed)
