"""Memory arithmetic of fine-tuning and LoRA's parameter count, checked against a model LoRA really wraps."""

import pytest

from ragft.finetune.lora import apply_lora, trainable_and_total
from ragft.finetune.memory import gpt_linear_shapes, llama_linear_shapes, lora_parameter_count, training_memory_gb
from ragft.model.gpt import make_gpt


def test_memory_arithmetic():
    full = training_memory_gb(7e9)
    assert full == pytest.approx({"weights": 28.0, "gradients": 28.0, "AdamW states": 56.0, "total": 112.0})
    lora = training_memory_gb(7e9, trainable=20e6, precision="bf16")
    assert lora["weights"] == pytest.approx(14.0) and lora["total"] == pytest.approx(14.0 + 0.04 + 0.08)


def test_lora_parameter_count_matches_apply_lora():
    model = make_gpt(vocab_size=50, n_layer=3, n_head=2, n_embd=16, n_positions=16)
    total = trainable_and_total(model)[1]
    apply_lora(model, ["c_attn", "c_proj", "c_fc"], r=4, alpha=8)
    assert trainable_and_total(model)[0] == lora_parameter_count(gpt_linear_shapes(3, 16), r=4) == 3 * 4 * 16 * 16  # per block r * 16d
    assert trainable_and_total(model)[1] == total + trainable_and_total(model)[0]
    llama_7b = lora_parameter_count(llama_linear_shapes(32, 4096, 11008), r=8)
    assert llama_7b == 19_988_480  # about 0.3% of 6.7B
