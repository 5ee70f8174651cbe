"""The tiny GPT: the GPT-2 architecture from `transformers`, our own tokenizer, and the one decoding loop."""

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer
from transformers import GPT2Config, GPT2LMHeadModel

from ragft.model.tokenizer import eot_id
from ragft.model.weights import read_weights
from ragft.paths import CHECKPOINTS_DIR
from ragft.threads import keep_threads_fitting

COURSE_MODEL_DIR = CHECKPOINTS_DIR / "tiny-gpt"
CHECKPOINT_FILES = ("config.json", "model.safetensors", "tokenizer.json")
TIED_KEY = "lm_head.weight"  # the output head shares its weights with the token embedding


class MissingCheckpointError(FileNotFoundError):
    """A checkpoint file is missing; the message names it and says how to make it."""


def make_gpt(
    vocab_size: int, n_layer: int, n_head: int, n_embd: int, n_positions: int = 256, dropout: float = 0.0
) -> GPT2LMHeadModel:
    """A freshly initialised GPT-2 language model (tied input/output embeddings)."""
    config = GPT2Config(
        vocab_size=vocab_size,
        n_positions=n_positions,
        n_layer=n_layer,
        n_head=n_head,
        n_embd=n_embd,
        activation_function="gelu_pytorch_tanh",  # needs about half the training memory of GPT-2's "gelu_new"
        resid_pdrop=dropout,
        embd_pdrop=dropout,
        attn_pdrop=dropout,
        # Our tokenizer's <|endoftext|> (id 0) separates documents. No pad_token_id: the decoding loop masks its
        # padding itself, and with one set, transformers warns about every input that starts with <|endoftext|>.
        bos_token_id=0,
        eos_token_id=0,
        tie_word_embeddings=True,
        architectures=["GPT2LMHeadModel"],
    )
    return GPT2LMHeadModel(config)


def count_parameters(model: torch.nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters; shared (tied) tensors are counted once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@contextmanager
def eval_mode(model: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Switch dropout off for a block, then restore the model's previous mode."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def sample_next_token(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Pick one token id per row of `logits` (batch, vocab): greedy when temperature is 0, else sample."""
    if temperature == 0:
        return logits.argmax(dim=-1, keepdim=True)
    logits = logits / temperature
    if top_k is not None:
        kth_best = torch.topk(logits, min(top_k, logits.size(-1))).values[:, [-1]]
        logits = logits.masked_fill(logits < kth_best, float("-inf"))
    return torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)


@dataclass
class Answer:
    """Generated text and the probability the model gave to each token it chose."""

    text: str
    token_probs: list[float]

    @property
    def mean_prob(self) -> float:
        """Average chosen-token probability (0 for an empty answer)."""
        return sum(self.token_probs) / len(self.token_probs) if self.token_probs else 0.0

    @property
    def min_prob(self) -> float:
        """Probability of the least certain token (0 for an empty answer)."""
        return min(self.token_probs, default=0.0)

    @property
    def product_prob(self) -> float:
        """Probability of the whole answer given the prompt (0 for an empty answer)."""
        return math.prod(self.token_probs) if self.token_probs else 0.0


@dataclass(repr=False)
class TinyGPT:
    """A GPT-2 model bundled with its tokenizer and the record of how it was trained."""

    model: GPT2LMHeadModel
    tokenizer: Tokenizer
    training: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        """A one-line summary, instead of the whole module tree and vocabulary."""
        c = self.model.config
        return (
            f"TinyGPT({count_parameters(self.model):,} parameters: {c.n_layer} layers, {c.n_head} heads, "
            f"n_embd {c.n_embd}, vocabulary {c.vocab_size}, context {c.n_positions})"
        )

    @property
    def n_positions(self) -> int:
        """The longest context the model can see, in tokens."""
        return self.model.config.n_positions

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`."""
        return self.tokenizer.encode(text).ids

    def decode(self, ids: list[int]) -> str:
        """Text of token ids (the end-of-text token is dropped)."""
        return self.tokenizer.decode(ids)

    def prompt_ids(self, prompt: str) -> list[int]:
        """Ids the model is conditioned on: a prompt starts like a training document, after <|endoftext|>."""
        return [eot_id(self.tokenizer), *self.encode(prompt)]

    @cached_property
    def _newline_mask(self) -> torch.Tensor:
        """Boolean mask over the vocabulary: tokens whose text contains a line break."""
        return torch.tensor(["\n" in self.decode([i]) for i in range(self.tokenizer.get_vocab_size())])

    def stop_mask(self, stop_at_newline: bool) -> torch.Tensor:
        """Boolean mask over the vocabulary of tokens that end an answer: <|endoftext|>, and line breaks if asked."""
        mask = self._newline_mask.clone() if stop_at_newline else torch.zeros_like(self._newline_mask)
        mask[eot_id(self.tokenizer)] = True
        return mask

    @torch.no_grad()
    def next_token_logits(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits (batch, vocab) for the token after each row of `ids` (batch, time)."""
        with eval_mode(self.model):
            # Crop to the context the model can see; logits_to_keep=1 computes the last position's logits only.
            return self.model(ids[:, -self.n_positions :], logits_to_keep=1).logits[:, -1, :]

    def next_token_distribution(self, prompt: str, k: int = 10, temperature: float = 1.0) -> list[tuple[str, float]]:
        """The `k` most likely next tokens after `prompt` with their probabilities at `temperature` (> 0)."""
        logits = self.next_token_logits(torch.tensor([self.prompt_ids(prompt)]))[0]
        probs = torch.softmax(logits / temperature, dim=-1)
        top = torch.topk(probs, k)
        return [(self.decode([i]), round(float(p), 6)) for p, i in zip(top.values, top.indices.tolist())]

    @torch.no_grad()
    def complete(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        stop_at_newline: bool = True,
        allowed: Callable[[torch.Tensor], torch.Tensor] | None = None,
        temperature: float = 0.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> list[Answer]:
        """The decoding loop: extend id lists token by token until every row has chosen a stop token.

        Each answer is the text of the tokens before its first stop token (<|endoftext|>, and a line break if
        asked), with the probability the model gave each of them at temperature 1. `allowed`, if given, receives
        the tokens chosen so far (batch, steps) and returns which tokens each row may choose next (batch, vocab);
        a row that may choose nothing but a stop token is complete.

        Rows of equal length run as they are; when a prompt outgrows the context the window slides. Rows of
        different lengths are padded on the left and the padding masked out (they must then fit in one window).
        """
        keep_threads_fitting()  # an evaluation decodes for minutes: follow the machine's load between answers
        stop = self.stop_mask(stop_at_newline)
        width = max(map(len, prompts))
        padded = any(len(row) < width for row in prompts)
        if padded and width + max_new_tokens > self.n_positions:
            raise ValueError(f"prompts of different lengths must fit in one window of {self.n_positions} tokens "
                             f"with the answer; {width} + {max_new_tokens} do not: run them by length")
        pad = eot_id(self.tokenizer)
        idx = torch.tensor([[pad] * (width - len(row)) + row for row in prompts])
        # Only padded rows get a mask, so equal-length batches compute exactly what they always did.
        mask = torch.tensor([[0] * (width - len(row)) + [1] * len(row) for row in prompts]) if padded else None
        cache, chosen_probs, done = None, [], torch.zeros(len(prompts), dtype=torch.bool)
        with eval_mode(self.model):
            for _ in range(max_new_tokens):
                permitted = None if allowed is None else allowed(idx[:, width:])
                if permitted is not None:
                    done |= ~(permitted & ~stop).any(dim=1)  # nothing left to write but the stop: complete
                    if done.all():
                        break
                # The cache holds every layer's keys and values, so only the newest token needs feeding;
                # without one (first step, or a full context) the model reads the last n_positions tokens.
                inputs = idx[:, -1:] if cache is not None else idx[:, -self.n_positions :]
                # Positions count from each row's first real token, as if it ran alone.
                padding = {} if mask is None else {
                    "attention_mask": mask, "position_ids": (mask.cumsum(1) - 1).clamp(min=0)[:, -inputs.size(1) :]}
                out = self.model(inputs, past_key_values=cache, use_cache=True, logits_to_keep=1, **padding)
                cache = out.past_key_values if idx.size(1) < self.n_positions else None  # full: the window slides
                logits = out.logits[:, -1, :]
                choices = logits if permitted is None else logits.masked_fill(~permitted, float("-inf"))
                next_id = sample_next_token(choices, temperature, top_k, generator)
                chosen_probs.append(torch.softmax(logits, dim=-1).gather(1, next_id))  # confidence at temperature 1
                idx = torch.cat([idx, next_id], dim=1)
                if mask is not None:
                    mask = torch.cat([mask, torch.ones_like(next_id)], dim=1)
                done |= stop[next_id[:, 0]]
                if done.all():
                    break
        answers = []
        # An empty (batch, 0) first block: a loop that stopped before its first step chose nothing.
        probs = torch.cat([torch.empty(len(prompts), 0), *chosen_probs], dim=1).tolist()
        for ids, row_probs in zip(idx[:, width:].tolist(), probs):
            n = next((t for t, i in enumerate(ids) if stop[i]), len(ids))  # tokens before the first stop token
            answers.append(Answer(self.decode(ids[:n]), row_probs[:n]))
        return answers

    def generate(
        self,
        prompt: str,
        max_new_tokens: int = 64,
        temperature: float = 0.0,
        top_k: int | None = None,
        stop_at_newline: bool = True,
        seed: int | None = None,
    ) -> str:
        """The text after `prompt` (greedy at temperature 0), up to <|endoftext|> or, if asked, a line break."""
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        ids = [self.prompt_ids(prompt)]
        return self.complete(ids, max_new_tokens, stop_at_newline, temperature=temperature, top_k=top_k,
                             generator=generator)[0].text

    def answer_with_confidence(self, prompt: str, max_new_tokens: int = 48) -> Answer:
        """Greedy answer to `prompt` up to the line break, with the probability of each chosen token."""
        return self.complete([self.prompt_ids(prompt)], max_new_tokens)[0]

    def answer_batch(self, prompts: list[str], max_new_tokens: int = 48, batch_size: int | None = None) -> list[Answer]:
        """Greedy answers for many prompts, up to the line break.

        By default prompts of equal token length run together, unpadded: chapter 02's probabilities are measured
        so (padding would move them by up to a few 1e-6). With `batch_size`, prompts run in order, that many at a
        time, padded when their lengths differ: one forward pass per new token instead of one per distinct prompt
        length, several times faster on a CPU. Prompts too long to pad run by length, where the window can slide.
        """
        ids = [self.prompt_ids(p) for p in prompts]
        if batch_size and all(len(row) + max_new_tokens <= self.n_positions for row in ids):
            batches = [range(start, min(start + batch_size, len(ids))) for start in range(0, len(ids), batch_size)]
        else:
            by_length: dict[int, list[int]] = {}
            for i, row in enumerate(ids):
                by_length.setdefault(len(row), []).append(i)
            batches = list(by_length.values())
        answers: list[Answer | None] = [None] * len(prompts)
        for rows in batches:
            for i, answer in zip(rows, self.complete([ids[i] for i in rows], max_new_tokens)):
                answers[i] = answer
        return answers

    def save(self, directory: str | Path, dtype: torch.dtype = torch.float16) -> Path:
        """Write config.json, model.safetensors (in `dtype`), tokenizer.json and training.json to `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model.config.to_json_file(directory / "config.json")
        state = {k: v.to(dtype).contiguous() for k, v in self.model.state_dict().items() if k != TIED_KEY}
        save_file(state, directory / "model.safetensors", metadata={"format": "pt"})
        self.tokenizer.save(str(directory / "tokenizer.json"))
        (directory / "training.json").write_text(json.dumps(self.training, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "TinyGPT":
        """Load a model saved by `save` (weights come back as float32, in eval mode)."""
        directory = Path(directory)
        missing = [name for name in CHECKPOINT_FILES if not (directory / name).is_file()]
        if missing:
            raise MissingCheckpointError(
                f"The model checkpoint in {directory} is incomplete: missing {', '.join(missing)}. "
                "Create it with `python -m ragft.make.pretrain` (about 35 minutes on 2 CPU cores), "
                "or restore the committed files with `git checkout -- checkpoints/tiny-gpt`."
            )
        model = GPT2LMHeadModel(GPT2Config.from_json_file(directory / "config.json"))
        weights = read_weights(directory / "model.safetensors", "Restore the committed checkpoint with "
                               "`git checkout -- checkpoints/tiny-gpt`, or make it again: `python -m ragft.make.pretrain`.")
        result = model.load_state_dict(weights, strict=False)  # casts to fp32
        if result.unexpected_keys or set(result.missing_keys) != {TIED_KEY}:
            raise ValueError(f"{directory / 'model.safetensors'} does not match config.json: {result}")
        training_file = directory / "training.json"
        training = json.loads(training_file.read_text()) if training_file.is_file() else {}
        return cls(model.eval(), Tokenizer.from_file(str(directory / "tokenizer.json")), training)


def load_course_model(directory: str | Path = COURSE_MODEL_DIR) -> TinyGPT:
    """The course's pretrained tiny GPT, from checkpoints/tiny-gpt (made by `python -m ragft.make.pretrain`)."""
    return TinyGPT.load(directory)
