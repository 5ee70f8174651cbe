"""LoRA from scratch, checked against peft on tiny GPT-2 models (seconds)."""

import copy
import json
import math

import pytest
import torch
from peft import LoraConfig, get_peft_model
from torch import nn
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.pytorch_utils import Conv1D

from ragft.finetune.lora import (ADAPTER_CONFIG, ADAPTER_WEIGHTS, LoRALinear, apply_lora, copy_from_peft,
                                 load_adapter, load_lora_state_dict, lora_layers, lora_state_dict, merge_lora,
                                 save_adapter, trainable_and_total, trainable_fraction)
from ragft.model.weights import WeightsFileError

# peft calls a transformers method that transformers 5 deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")

TARGETS = ["c_attn", "c_proj", "c_fc"]
ALPHA = 16
N_EMBD, N_LAYER = 32, 2


def tiny_gpt2() -> GPT2LMHeadModel:
    """A freshly initialised 2-layer GPT-2, seeded, in eval mode."""
    torch.manual_seed(0)
    config = GPT2Config(
        n_layer=N_LAYER, n_head=2, n_embd=N_EMBD, vocab_size=100, n_positions=32,
        activation_function="gelu_pytorch_tanh", bos_token_id=0, eos_token_id=0,
    )  # fmt: skip
    return GPT2LMHeadModel(config).eval()


def randomize_b(model: nn.Module) -> nn.Module:
    """Give every LoRA B random values, so the update is non-zero and a wrong layout or scale would show."""
    with torch.no_grad():
        for layer in lora_layers(model).values():
            layer.B.normal_(std=0.1)
    return model


def logits(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """The model's logits for a batch of token ids, without autograd."""
    with torch.no_grad():
        return model(ids).logits


@pytest.fixture
def ids() -> torch.Tensor:
    """Two random sequences of 16 token ids."""
    return torch.randint(0, 100, (2, 16), generator=torch.Generator().manual_seed(1))


def peft_lora(base: GPT2LMHeadModel, r: int) -> nn.Module:
    """peft's LoRA on a copy of `base`, with random non-zero B."""
    config = LoraConfig(r=r, lora_alpha=ALPHA, target_modules=TARGETS, fan_in_fan_out=True, lora_dropout=0.0)
    model = get_peft_model(copy.deepcopy(base), config).eval()
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.normal_(std=0.1)
    return model


@pytest.mark.parametrize("r", [1, 4, 8])
def test_matches_peft_with_the_same_weights(r, ids):
    base = tiny_gpt2()
    theirs = peft_lora(base, r)
    ours = copy_from_peft(apply_lora(copy.deepcopy(base), TARGETS, r, ALPHA), theirs)
    assert not torch.allclose(logits(ours, ids), logits(base, ids), atol=1e-3)  # the update does change the output
    assert (logits(ours, ids) - logits(theirs, ids)).abs().max() <= 1e-6


@pytest.mark.parametrize("r", [1, 4, 8])
def test_trainable_parameters_match_peft_and_the_formula(r):
    base = tiny_gpt2()
    ours = apply_lora(copy.deepcopy(base), TARGETS, r, ALPHA)
    d = N_EMBD  # per block: c_attn d->3d, attn.c_proj d->d, c_fc d->4d, mlp.c_proj 4d->d
    per_block = r * ((d + 3 * d) + (d + d) + (d + 4 * d) + (4 * d + d))
    assert trainable_and_total(ours) == peft_lora(base, r).get_nb_trainable_parameters()
    assert trainable_and_total(ours) == (N_LAYER * per_block, trainable_and_total(base)[1] + N_LAYER * per_block)
    assert len(lora_layers(ours)) == 4 * N_LAYER
    assert trainable_fraction(ours) == pytest.approx(N_LAYER * per_block / trainable_and_total(ours)[1])


def test_conv1d_and_linear_give_the_same_layer():
    torch.manual_seed(0)
    conv = Conv1D(6, 4)  # weight stored as (in, out)
    linear = nn.Linear(4, 6)
    with torch.no_grad():
        linear.weight.copy_(conv.weight.T)
        linear.bias.copy_(conv.bias)
    a, b = LoRALinear(conv, r=2, alpha=4), LoRALinear(linear, r=2, alpha=4)
    with torch.no_grad():
        b.A.copy_(a.A)
        a.B.normal_()
        b.B.copy_(a.B)
    x = torch.randn(3, 5, 4)
    torch.testing.assert_close(a(x), b(x))
    torch.testing.assert_close(b(x), linear(x) + x @ (b.B @ b.A).T * 2.0)  # scaling = alpha / r
    assert a.delta_weight().shape == conv.weight.shape and b.delta_weight().shape == linear.weight.shape


def test_merge_keeps_outputs_and_removes_the_wrappers(ids):
    model = randomize_b(apply_lora(tiny_gpt2(), TARGETS, r=4, alpha=ALPHA))
    before = logits(model, ids)
    merged = merge_lora(model)
    assert not lora_layers(merged)
    assert all(type(merged.transformer.h[0].mlp.get_submodule(n)) is Conv1D for n in ("c_fc", "c_proj"))
    assert (logits(merged, ids) - before).abs().max() <= 1e-5

    linear = LoRALinear(nn.Linear(8, 3), r=2, alpha=4)  # nn.Linear's (out, in) layout, and a bare layer
    nn.init.normal_(linear.B)
    x = torch.randn(5, 8)
    expected = linear(x).detach()
    plain = merge_lora(linear)
    assert type(plain) is nn.Linear
    torch.testing.assert_close(plain(x), expected, atol=1e-5, rtol=0)


def test_at_init_the_lora_model_is_the_base_model(ids):
    base = tiny_gpt2()
    model = apply_lora(copy.deepcopy(base), TARGETS, r=4, alpha=ALPHA, dropout=0.1)
    layer = model.transformer.h[0].attn.c_attn
    assert isinstance(layer, LoRALinear) and layer.A.abs().sum() > 0 and not layer.B.any()
    assert torch.equal(logits(model, ids), logits(base, ids))


def test_only_a_and_b_learn(ids):
    model = apply_lora(tiny_gpt2(), TARGETS, r=4, alpha=ALPHA).train()
    frozen = {name: p.detach().clone() for name, p in model.named_parameters() if not p.requires_grad}
    lora_before = lora_state_dict(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)  # all of them, on purpose
    model(ids, labels=ids).loss.backward()
    with_grad = {name.rsplit(".", 1)[-1] for name, p in model.named_parameters() if p.grad is not None}
    assert with_grad == {"A", "B"}
    optimizer.step()
    assert all(torch.equal(p, frozen[name]) for name, p in model.named_parameters() if name in frozen)
    assert all(not torch.equal(p, lora_before[key]) for key, p in lora_state_dict(model).items())


def test_a_few_steps_lower_the_loss():
    base = tiny_gpt2()
    with torch.no_grad():  # embeddings as large as a trained model's: with GPT-2's tiny init, the frozen tied
        base.transformer.wte.weight.normal_(std=0.3)  # head cannot give any token a high probability
    model = apply_lora(base, TARGETS, r=4, alpha=ALPHA).train()
    ids = torch.arange(16).repeat(2, 2)  # one short sequence, repeated
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    losses = []
    for _ in range(30):
        loss = model(ids, labels=ids).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < min(0.5 * losses[0], math.log(100) / 2)  # far better than guessing uniformly


def test_adapter_round_trips_through_save_and_load(tmp_path, ids):
    model = randomize_b(apply_lora(tiny_gpt2(), ["c_attn", "c_fc"], r=4, alpha=8))
    save_adapter(model, tmp_path / "adapter")
    config = json.loads((tmp_path / "adapter" / ADAPTER_CONFIG).read_text())
    layers = [f"transformer.h.{i}.{module}" for i in range(N_LAYER) for module in ("attn.c_attn", "mlp.c_fc")]
    assert config == {"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": layers}

    loaded = load_adapter(tiny_gpt2(), tmp_path / "adapter")  # a fresh base model: LoRA layers come from the config
    assert lora_layers(loaded).keys() == lora_layers(model).keys()
    assert torch.equal(logits(loaded, ids), logits(model, ids))
    assert lora_state_dict(loaded).keys() == {f"{layer}.{param}" for layer in layers for param in "AB"}

    only_attention = randomize_b(apply_lora(tiny_gpt2(), ["attn.c_proj"], r=2, alpha=4))  # not the MLP's c_proj
    reloaded = load_adapter(tiny_gpt2(), save_adapter(only_attention, tmp_path / "attention"))
    assert lora_layers(reloaded).keys() == {f"transformer.h.{i}.attn.c_proj" for i in range(N_LAYER)}
    assert torch.equal(logits(reloaded, ids), logits(only_attention, ids))


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r"No linear layer matches target_modules=\['q_proj'\].*'c_attn'"):
        apply_lora(tiny_gpt2(), ["q_proj"], r=4, alpha=ALPHA)
    for r in (0, -1, 2.5):
        with pytest.raises(ValueError, match="rank r must be a positive integer"):
            apply_lora(tiny_gpt2(), TARGETS, r=r, alpha=ALPHA)
    with pytest.raises(ValueError, match="already has LoRA layers"):
        apply_lora(apply_lora(tiny_gpt2(), TARGETS, r=4, alpha=ALPHA), TARGETS, r=4, alpha=ALPHA)

    r8 = lora_state_dict(apply_lora(tiny_gpt2(), TARGETS, r=8, alpha=ALPHA))
    with pytest.raises(ValueError, match=r"Layer transformer\.h\.0\.attn\.c_attn: .*A has shape \(8, 32\).*\(4, 32\)"):
        load_lora_state_dict(apply_lora(tiny_gpt2(), TARGETS, r=4, alpha=ALPHA), r8)
    without_c_fc = {key: value for key, value in r8.items() if "c_fc" not in key}
    with pytest.raises(ValueError, match=r"Missing: .*mlp\.c_fc\.A"):
        load_lora_state_dict(apply_lora(tiny_gpt2(), TARGETS, r=8, alpha=ALPHA), without_c_fc)
    with pytest.raises(FileNotFoundError, match=ADAPTER_CONFIG):
        load_adapter(tiny_gpt2(), tmp_path)


def test_a_truncated_adapter_names_the_file_and_the_fix(tmp_path):
    model = randomize_b(apply_lora(tiny_gpt2(), ["c_attn"], r=2, alpha=4))
    weights = save_adapter(model, tmp_path / "adapter") / ADAPTER_WEIGHTS
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(WeightsFileError, match=r"adapter\.safetensors cannot be read: it is truncated.*save_adapter"):
        load_adapter(tiny_gpt2(), tmp_path / "adapter")
