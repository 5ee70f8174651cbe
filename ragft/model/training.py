"""A readable training loop for the tiny GPT: the nanoGPT recipe, sized for a laptop CPU."""

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ragft.model.gpt import eval_mode
from ragft.seed import DEFAULT_SEED
from ragft.threads import keep_threads_fitting


@dataclass
class TrainConfig:
    """Settings of one training run."""

    steps: int = 1000
    batch_size: int = 16
    block_size: int | None = None  # tokens per sequence; None: the model's n_positions, so every position learns
    lr: float = 3e-3  # peak learning rate, reached after the warm-up
    min_lr: float = 3e-4  # the cosine schedule ends here
    warmup_steps: int = 50
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 100  # steps between validation losses (0: only at the end)
    eval_blocks: int = 32  # validation blocks per evaluation
    callback_every: int = 100  # steps between calls of the callback, if any
    seed: int = DEFAULT_SEED


@dataclass
class TrainHistory:
    """What a run recorded: one training loss per step and (step, validation loss) pairs."""

    losses: list[float] = field(default_factory=list)
    val_losses: list[tuple[int, float]] = field(default_factory=list)
    tokens_seen: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        """Training throughput in tokens per second of wall-clock time (evaluations included)."""
        return self.tokens_seen / self.seconds if self.seconds else 0.0


def as_ids(ids: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A flat token-id array as a LongTensor."""
    return torch.as_tensor(ids, dtype=torch.long)


def blocks_at(ids: torch.Tensor, starts: list[int], block_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Blocks `x` of `ids` beginning at `starts`, and the same blocks shifted by one token, `y` (the targets)."""
    x = torch.stack([ids[s : s + block_size] for s in starts])
    y = torch.stack([ids[s + 1 : s + 1 + block_size] for s in starts])
    return x, y


def get_batch(
    ids: torch.Tensor, block_size: int, batch_size: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """A training batch: `batch_size` random contiguous blocks and their next-token targets."""
    starts = torch.randint(len(ids) - block_size, (batch_size,), generator=generator).tolist()
    return blocks_at(ids, starts, block_size)


def lm_loss(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats per token) of predicting `y` from `x`."""
    logits = model(x).logits
    return F.cross_entropy(logits.flatten(0, 1), y.flatten())


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Learning rate at `step`: linear warm-up, then cosine decay from `lr` to `min_lr`."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return cfg.min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (cfg.lr - cfg.min_lr)


def make_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW that decays weight matrices and embeddings but not biases or LayerNorm gains."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


@torch.no_grad()
def evaluate_loss(
    model: torch.nn.Module,
    ids: np.ndarray | torch.Tensor,
    block_size: int | None = None,
    max_blocks: int | None = None,
    batch_size: int = 16,
) -> float:
    """Mean next-token cross-entropy (nats) over fixed, evenly spaced, non-overlapping blocks of `ids`."""
    ids = as_ids(ids)
    block_size = min(block_size or model.config.n_positions, len(ids) - 1)
    n_blocks = (len(ids) - 1) // block_size
    if max_blocks is not None:
        n_blocks = min(n_blocks, max_blocks)
    starts = np.linspace(0, len(ids) - 1 - block_size, n_blocks).astype(int).tolist()
    total = 0.0
    with eval_mode(model):
        for i in range(0, n_blocks, batch_size):
            chunk = starts[i : i + batch_size]
            total += lm_loss(model, *blocks_at(ids, chunk, block_size)).item() * len(chunk)
    return total / n_blocks


def optimizer_step(optimizer: torch.optim.Optimizer, parameters: Iterable[torch.nn.Parameter], loss: torch.Tensor,
                   cfg: TrainConfig, step: int) -> None:
    """One update at the schedule's learning rate for `step` (counted from 1): backward, clip the gradients, step."""
    for group in optimizer.param_groups:
        group["lr"] = lr_at(step - 1, cfg)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, cfg.grad_clip)
    optimizer.step()


Batch = tuple[torch.Tensor, torch.Tensor, int]  # inputs, targets, and how many real tokens the inputs hold


def run_training(
    model: torch.nn.Module,
    next_batch: Callable[[torch.Generator], Batch],
    loss_fn: Callable[[torch.nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
    cfg: TrainConfig,
    evaluate: Callable[[], float] | None = None,
    callback: Callable[[int, TrainHistory], None] | None = None,
    progress: bool = True,
    desc: str = "training",
) -> TrainHistory:
    """The training loop that pretraining and fine-tuning share: `cfg.steps` updates of the parameters that require
    grad, on batches drawn by `next_batch` from a generator seeded with `cfg.seed`; same seed, same run.

    The global random state is left alone: dropout, if any, draws from it, so seed it first with
    `ragft.seed.set_seed` for a repeatable run. `evaluate` gives the validation loss every `cfg.eval_every` steps.
    """
    generator = torch.Generator().manual_seed(cfg.seed)
    optimizer = make_optimizer(model, cfg.lr, cfg.weight_decay)
    trainable = [p for p in model.parameters() if p.requires_grad]
    history = TrainHistory()
    start = time.perf_counter()
    bar = tqdm(range(1, cfg.steps + 1), desc=desc, disable=not progress)
    for step in bar:
        model.train()
        x, y, tokens = next_batch(generator)
        loss = loss_fn(model, x, y)
        optimizer_step(optimizer, trainable, loss, cfg, step)
        history.losses.append(loss.item())
        history.tokens_seen += tokens
        if evaluate is not None and (step == cfg.steps or (cfg.eval_every and step % cfg.eval_every == 0)):
            history.val_losses.append((step, evaluate()))
        if step % 10 == 0 or step == cfg.steps:
            val = f", val {history.val_losses[-1][1]:.3f}" if history.val_losses else ""
            bar.set_postfix_str(f"loss {loss.item():.3f}{val}")
        if callback is not None and cfg.callback_every and step % cfg.callback_every == 0:
            callback(step, history)
        keep_threads_fitting()  # another process may have started (or stopped) on this machine since the last step
        history.seconds = time.perf_counter() - start
    return history


def train(
    model: torch.nn.Module,
    train_ids: np.ndarray | torch.Tensor,
    cfg: TrainConfig,
    val_ids: np.ndarray | torch.Tensor | None = None,
    callback: Callable[[int, TrainHistory], None] | None = None,
    progress: bool = True,
) -> TrainHistory:
    """Pretraining: `run_training` on random blocks of `train_ids`, the next-token loss on every token."""
    train_ids = as_ids(train_ids)
    block_size = cfg.block_size or model.config.n_positions

    def next_batch(generator: torch.Generator) -> Batch:
        x, y = get_batch(train_ids, block_size, cfg.batch_size, generator)
        return x, y, x.numel()

    evaluate = None if val_ids is None else lambda: evaluate_loss(model, val_ids, block_size, cfg.eval_blocks)
    return run_training(model, next_batch, lm_loss, cfg, evaluate, callback, progress)
