"""Supervised fine-tuning with a masked prompt, and the three tasks' data (tiny configs)."""

import copy

import pytest
import torch
import torch.nn.functional as F

from ragft.finetune.domain import domain_ids, domain_texts
from ragft.finetune.lora import apply_lora, lora_state_dict
from ragft.finetune.sft import (IGNORE_INDEX, Pair, collate, encode_pair, evaluate_pairs, format_pair, masked_example,
                                masked_loss, pair_examples, style_pair, train_pairs)
from ragft.model.generation import generate_all
from ragft.model.gpt import TinyGPT, make_gpt
from ragft.model.tokenizer import eot_id, train_tokenizer
from ragft.model.training import TrainConfig
from ragft.world.load import load_style_transfer, load_task_format
from ragft.world.prompts import closed_book_prompt, task_format_target

PAIRS = [
    Pair(closed_book_prompt("What rule did Marlow v. Teague establish?"),
         task_format_target("a landlord must return a deposit within 14 days", "Marlow v. Teague", "[2019] VHC 114")),
    Pair(closed_book_prompt("State the holding of Ashby v. Crane."),
         task_format_target("a seller must refund a faulty product within 7 days", "Ashby v. Crane", "[2004] VDC 12")),
]  # fmt: skip
CFG = TrainConfig(steps=60, batch_size=2, lr=1e-2, min_lr=1e-3, warmup_steps=5, eval_every=0)


@pytest.fixture(scope="module")
def tokenizer():
    texts = [f"{p.prompt} {p.target}" for p in PAIRS] * 10
    return train_tokenizer(texts, vocab_size=300)


def tiny_model(tokenizer, seed: int = 0) -> TinyGPT:
    torch.manual_seed(seed)
    model = make_gpt(tokenizer.get_vocab_size(), n_layer=2, n_head=2, n_embd=32, n_positions=128)
    return TinyGPT(model.eval(), tokenizer)


def test_encode_pair_matches_how_generation_reads_the_prompt(tokenizer):
    tiny = tiny_model(tokenizer)
    prompt_ids, target_ids = encode_pair(tiny, PAIRS[0])
    assert prompt_ids == tiny.prompt_ids(PAIRS[0].prompt) and prompt_ids[0] == eot_id(tokenizer)
    assert target_ids[-1] == eot_id(tokenizer)
    # Encoding prompt and target apart gives the same tokens as encoding the whole line.
    assert prompt_ids[1:] + target_ids[:-1] == tiny.encode(f"{PAIRS[0].prompt} {PAIRS[0].target}")


def test_masked_example_ignores_the_prompt_and_shifts_the_labels():
    x, y = masked_example([0, 5, 6], [7, 8, 0])
    assert x == [0, 5, 6, 7, 8] and y == [IGNORE_INDEX, IGNORE_INDEX, 7, 8, 0]
    with pytest.raises(ValueError, match="at least one"):
        masked_example([], [1])


def test_collate_pads_inputs_and_ignores_padded_labels():
    x, y = collate([([1, 2, 3], [IGNORE_INDEX, 3, 4]), ([5], [6])], pad_id=0)
    assert x.tolist() == [[1, 2, 3], [5, 0, 0]]
    assert y.tolist() == [[IGNORE_INDEX, 3, 4], [6, IGNORE_INDEX, IGNORE_INDEX]]


def test_masked_loss_is_the_cross_entropy_of_the_target_tokens_only(tokenizer):
    tiny = tiny_model(tokenizer)
    examples = pair_examples(tiny, PAIRS)
    x, y = collate(examples, 0)
    logits = tiny.model(x).logits
    keep = y != IGNORE_INDEX
    by_hand = F.cross_entropy(logits[keep], y[keep])
    assert masked_loss(tiny.model, x, y).item() == pytest.approx(by_hand.item(), rel=1e-6)
    n_target = sum(len(encode_pair(tiny, p)[1]) for p in PAIRS)
    assert int(keep.sum()) == n_target
    assert evaluate_pairs(tiny.model, examples) == pytest.approx(by_hand.item(), rel=1e-5)


def test_train_pairs_teaches_the_targets_and_is_reproducible(tokenizer):
    tiny = tiny_model(tokenizer)
    examples = pair_examples(tiny, PAIRS)
    history = train_pairs(tiny.model, examples, CFG, val_examples=examples, progress=False)
    assert len(history.losses) == CFG.steps and history.val_losses[-1][0] == CFG.steps
    assert history.losses[-1] < 0.1 < history.losses[0] and history.seconds > 0
    assert generate_all(tiny, [p.prompt for p in PAIRS], max_new_tokens=120) == [p.target for p in PAIRS]
    again = train_pairs(tiny_model(tokenizer).model, examples, CFG, progress=False)
    assert again.losses == history.losses


def test_train_pairs_with_lora_updates_only_a_and_b(tokenizer):
    tiny = tiny_model(tokenizer)
    with torch.no_grad():  # embeddings as large as a trained model's: with GPT-2's tiny init, the frozen tied
        tiny.model.transformer.wte.weight.normal_(std=0.3)  # head cannot give any token a high probability
    frozen = copy.deepcopy(tiny.model.state_dict())
    apply_lora(tiny.model, ["c_attn", "c_proj", "c_fc"], r=4, alpha=8)
    before = lora_state_dict(tiny.model)
    cfg = TrainConfig(steps=80, batch_size=2, lr=2e-2, min_lr=2e-3, warmup_steps=5, eval_every=0)
    history = train_pairs(tiny.model, pair_examples(tiny, PAIRS), cfg, progress=False)
    assert history.losses[-1] < 0.5 * history.losses[0]
    for name, tensor in tiny.model.state_dict().items():
        plain = name.replace(".base.", ".")
        if plain in frozen:
            assert torch.equal(tensor, frozen[plain]), name
    assert all(not torch.equal(p, before[k]) for k, p in lora_state_dict(tiny.model).items() if k.endswith(".B"))


def test_the_three_tasks_data():
    example = load_task_format("test")[0]
    assert format_pair(example) == Pair(closed_book_prompt(example.question), example.target)
    note = load_style_transfer("test")[0]
    pair = style_pair(note)
    assert pair.prompt.startswith("Holding: ") and pair.prompt.endswith("\nClient note:") and pair.target == note.client_note
    assert len(domain_texts()) == 480


def test_domain_ids_separate_documents(tokenizer):
    tiny = tiny_model(tokenizer)
    ids = domain_ids(tiny, ["one text", "another"])
    assert ids[-1] == eot_id(tokenizer) and list(ids).count(eot_id(tokenizer)) == 2
