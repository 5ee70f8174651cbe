"""The training loop, its schedule and evaluation, and the count baselines, on tiny inputs."""

import math

import numpy as np
import pytest
import torch

from ragft.model.baselines import bigram_loss, uniform_loss
from ragft.model.gpt import make_gpt
from ragft.model.training import TrainConfig, TrainHistory, evaluate_loss, get_batch, lr_at, train

# A repeated string over 20 token ids: easy to learn, so the loss must fall.
IDS = np.tile(np.array([0, 5, 3, 9, 9, 1, 4, 7, 2, 8, 6, 3, 11, 12, 13, 19, 10, 14, 15, 16]), 60)


def tiny_model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return make_gpt(vocab_size=20, n_layer=2, n_head=2, n_embd=32, n_positions=32)


def test_loss_falls_on_a_repeated_string_and_runs_are_reproducible():
    cfg = TrainConfig(steps=40, batch_size=8, lr=1e-2, min_lr=1e-3, warmup_steps=5, eval_every=20, eval_blocks=4)
    first = train(tiny_model(), IDS, cfg, val_ids=IDS[:200], progress=False)
    assert len(first.losses) == 40 and [s for s, _ in first.val_losses] == [20, 40]
    assert first.losses[0] > math.log(20) - 0.5 and np.mean(first.losses[-5:]) < 1.0
    assert first.val_losses[-1][1] < 1.0 and first.tokens_seen == 40 * 8 * 32 and first.tokens_per_second > 0
    second = train(tiny_model(), IDS, cfg, val_ids=IDS[:200], progress=False)
    assert second.losses == first.losses


def test_callback_is_called_every_n_steps():
    calls = []

    def record(step: int, history: TrainHistory) -> None:
        calls.append((step, len(history.losses)))

    cfg = TrainConfig(steps=10, batch_size=2, warmup_steps=2, eval_every=0, callback_every=4)
    train(tiny_model(), IDS, cfg, callback=record, progress=False)
    assert calls == [(4, 4), (8, 8)]


def test_batches_are_contiguous_blocks_with_shifted_targets():
    ids = torch.arange(100)
    x, y = get_batch(ids, block_size=10, batch_size=4, generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 10)
    assert torch.equal(y, x + 1) and torch.equal(x[:, 1:], x[:, :-1] + 1)


def test_learning_rate_warms_up_then_decays_to_the_minimum():
    cfg = TrainConfig(steps=100, lr=1e-3, min_lr=1e-4, warmup_steps=10)
    lrs = [lr_at(step, cfg) for step in range(cfg.steps)]
    assert lrs[0] == pytest.approx(1e-4) and lrs[9] == pytest.approx(1e-3)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:])) and lrs[-1] == pytest.approx(1e-4, rel=0.01)


def test_evaluate_loss_is_the_mean_over_its_blocks():
    model = tiny_model()
    ids = torch.as_tensor(IDS[:97])  # 96 targets: three blocks of 32
    by_hand = []
    for start in (0, 32, 64):
        logits = model(ids[start : start + 32][None]).logits[0]
        by_hand.append(torch.nn.functional.cross_entropy(logits, ids[start + 1 : start + 33]).item())
    assert evaluate_loss(model, ids, batch_size=2) == pytest.approx(np.mean(by_hand), rel=1e-5)
    assert evaluate_loss(model, ids, max_blocks=1) == pytest.approx(by_hand[0], rel=1e-5)


def test_bigram_loss_by_hand():
    train_ids, val_ids = np.array([0, 1, 0, 1, 0, 2]), np.array([0, 1, 2])
    # counts: 0->1 twice, 0->2 once, 1->0 twice; so P(1|0) = (2+k)/(3+3k), P(2|1) = k/(2+3k)
    k = 0.5
    expected = -(math.log((2 + k) / (3 + 3 * k)) + math.log(k / (2 + 3 * k))) / 2
    assert bigram_loss(train_ids, val_ids, vocab_size=3, k=k) == pytest.approx(expected)
    assert bigram_loss(train_ids, val_ids, vocab_size=3, k=1e9) == pytest.approx(uniform_loss(3))
    assert bigram_loss(IDS, IDS, vocab_size=20, k=1e-6) < 0.5  # a deterministic string is almost free to predict
