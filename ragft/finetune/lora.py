"""LoRA from scratch (Hu et al. 2021): keep a layer's weight W frozen and learn a low-rank update,

    h = W x + (alpha / r) * B A x,    A: (r, in), B: (out, r),

so fine-tuning trains r * (in + out) numbers per layer instead of in * out. Works with `nn.Linear` and with
GPT-2's `Conv1D` (a linear layer whose weight is stored transposed, as (in, out)).
"""

import json
import math
from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn
from transformers.pytorch_utils import Conv1D

from ragft.model.gpt import count_parameters
from ragft.model.weights import read_weights

ADAPTER_WEIGHTS = "adapter.safetensors"
ADAPTER_CONFIG = "adapter_config.json"


def in_out_features(layer: nn.Module) -> tuple[int, int]:
    """(in_features, out_features) of an `nn.Linear` or a GPT-2 `Conv1D`."""
    if isinstance(layer, Conv1D):
        return layer.nx, layer.nf
    if isinstance(layer, nn.Linear):
        return layer.in_features, layer.out_features
    raise TypeError(f"LoRA wraps nn.Linear or transformers' Conv1D layers, not {type(layer).__name__}.")


def check_rank(r: int) -> None:
    """Raise a clear error unless the LoRA rank r is a positive integer."""
    if not isinstance(r, int) or r <= 0:
        raise ValueError(f"The LoRA rank r must be a positive integer (1, 2, 4, 8, ...), got {r!r}.")


class LoRALinear(nn.Module):
    """A frozen linear layer plus the trainable low-rank update: base(x) + dropout(x) @ A.T @ B.T * alpha / r."""

    def __init__(self, base: nn.Module, r: int, alpha: float, dropout: float = 0.0):
        super().__init__()
        check_rank(r)
        in_features, out_features = in_out_features(base)
        self.base = base.requires_grad_(False)
        self.r, self.alpha, self.scaling = r, alpha, alpha / r
        factory = {"device": base.weight.device, "dtype": base.weight.dtype}
        # A starts random (nn.Linear's default init, as in peft and the LoRA paper's code) and B at zero, so B @ A = 0:
        # training starts from exactly the base model, and the gradient still reaches B through A.
        self.A = nn.Parameter(torch.empty(r, in_features, **factory))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(out_features, r, **factory))
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()  # on the LoRA path only

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The frozen layer's output plus the scaled low-rank update."""
        # Two thin matrix products, (x @ A.T) @ B.T, never the full (out, in) matrix B @ A.
        return self.base(x) + self.dropout(x) @ self.A.T @ self.B.T * self.scaling

    def delta_weight(self) -> torch.Tensor:
        """The update (alpha / r) * B @ A in the base weight's layout: (out, in), or (in, out) for Conv1D."""
        delta = self.B @ self.A * self.scaling
        return delta.T if isinstance(self.base, Conv1D) else delta

    @torch.no_grad()
    def merge(self) -> nn.Module:
        """Fold the update into the base weight (in place) and return the plain layer."""
        self.base.weight += self.delta_weight()
        return self.base

    def extra_repr(self) -> str:
        return f"r={self.r}, alpha={self.alpha:g}, scaling={self.scaling:g}"


def matches(name: str, target_modules: list[str]) -> bool:
    """Whether a module name is a target or ends with `.<target>` (peft's rule for a list of names)."""
    return any(name == target or name.endswith(f".{target}") for target in target_modules)


def lora_layers(model: nn.Module) -> dict[str, LoRALinear]:
    """The model's LoRA layers by module name."""
    return {name: module for name, module in model.named_modules() if isinstance(module, LoRALinear)}


def apply_lora(model: nn.Module, target_modules: list[str], r: int, alpha: float, dropout: float = 0.0) -> nn.Module:
    """Freeze every parameter, then wrap each linear layer whose name ends with a target in a LoRALinear (in place)."""
    check_rank(r)
    if isinstance(target_modules, str):  # one name given as a string
        target_modules = [target_modules]
    if lora_layers(model):
        raise ValueError("This model already has LoRA layers: merge them (merge_lora) or start from the base model.")
    linear = [name for name, module in model.named_modules() if isinstance(module, nn.Linear | Conv1D)]
    targets = [name for name in linear if matches(name, target_modules)]
    if not targets:
        available = sorted({name.rsplit(".", 1)[-1] for name in linear})
        raise ValueError(f"No linear layer matches target_modules={target_modules}; the linear layers are {available}")
    model.requires_grad_(False)
    for name in targets:
        model.set_submodule(name, LoRALinear(model.get_submodule(name), r, alpha, dropout))
    return model


def trainable_and_total(model: nn.Module) -> tuple[int, int]:
    """(trainable, total) parameter counts; shared (tied) tensors are counted once."""
    return count_parameters(model, trainable_only=True), count_parameters(model)


def trainable_fraction(model: nn.Module) -> float:
    """The share of the model's parameters that training updates."""
    trainable, total = trainable_and_total(model)
    return trainable / total


def merge_lora(model: nn.Module) -> nn.Module:
    """Fold every LoRA update into its base weight and put the plain layer back: same outputs, no extra latency."""
    if isinstance(model, LoRALinear):
        return model.merge()
    for name, layer in lora_layers(model).items():
        model.set_submodule(name, layer.merge())
    return model


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The adapter alone: every LoRA layer's A and B, keyed `<layer name>.A` and `<layer name>.B`."""
    return {
        f"{name}.{key}": getattr(layer, key).detach().clone()
        for name, layer in lora_layers(model).items()
        for key in ("A", "B")
    }


@torch.no_grad()
def load_lora_state_dict(model: nn.Module, state: dict[str, torch.Tensor]) -> nn.Module:
    """Copy an adapter's A and B into the model's LoRA layers, after checking every name and shape."""
    expected = lora_state_dict(model)
    missing, unexpected = sorted(expected.keys() - state.keys()), sorted(state.keys() - expected.keys())
    if missing or unexpected:
        raise ValueError(
            f"The adapter does not fit this model's LoRA layers. Missing: {missing or 'none'}; "
            f"unexpected: {unexpected or 'none'}. Were they made with the same target_modules and model?"
        )
    for key, tensor in state.items():
        if tensor.shape != expected[key].shape:
            name, param = key.rsplit(".", 1)
            raise ValueError(
                f"Layer {name}: the adapter's {param} has shape {tuple(tensor.shape)} but the model expects "
                f"{tuple(expected[key].shape)}. Was the adapter trained with another rank r or model size?"
            )
    layers = lora_layers(model)
    for key, tensor in state.items():
        name, param = key.rsplit(".", 1)
        getattr(layers[name], param).copy_(tensor)
    return model


def adapter_config(model: nn.Module) -> dict:
    """What `load_adapter` needs to rebuild the LoRA layers: r, alpha, dropout and the wrapped layers' names."""
    layers = lora_layers(model)
    if not layers:
        raise ValueError("This model has no LoRA layers: call apply_lora first.")
    # A layer without dropout holds an nn.Identity, which has no p.
    settings = {(layer.r, layer.alpha, getattr(layer.dropout, "p", 0.0)) for layer in layers.values()}
    if len(settings) > 1:
        raise ValueError(f"The LoRA layers differ in (r, alpha, dropout): {sorted(settings)}; a config holds one.")
    r, alpha, dropout = settings.pop()
    # Full layer names, not suffixes: "c_proj" would also wrap the MLP's c_proj when only attention's was adapted.
    return {"r": r, "alpha": alpha, "dropout": dropout, "target_modules": list(layers)}


def save_adapter(model: nn.Module, directory: str | Path) -> Path:
    """Write the adapter (A and B as safetensors, plus a small JSON config) to a directory; return the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = adapter_config(model)
    save_file(lora_state_dict(model), directory / ADAPTER_WEIGHTS)
    (directory / ADAPTER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    return directory


def load_adapter(model: nn.Module, directory: str | Path) -> nn.Module:
    """Add LoRA layers to a base model as the saved config says (if it has none yet) and load the saved A and B."""
    directory = Path(directory)
    for file in (ADAPTER_CONFIG, ADAPTER_WEIGHTS):
        if not (directory / file).is_file():
            raise FileNotFoundError(f"No adapter file {directory / file}; write one with save_adapter(model, dir).")
    config = json.loads((directory / ADAPTER_CONFIG).read_text())
    if not lora_layers(model):
        apply_lora(model, config["target_modules"], config["r"], config["alpha"], config["dropout"])
    weights = read_weights(directory / ADAPTER_WEIGHTS, "Save the adapter again with save_adapter(model, dir); the "
                           "course's own: `git checkout -- checkpoints/adapters` or `python -m ragft.make.adapters`.")
    return load_lora_state_dict(model, weights)


@torch.no_grad()
def copy_from_peft(model: nn.Module, peft_model: nn.Module, adapter_name: str = "default") -> nn.Module:
    """Copy A and B from a peft LoRA model into our LoRA model of the same architecture, so both compute the same."""
    ours = lora_layers(model)
    theirs = {
        name.removeprefix("base_model.model."): module
        for name, module in peft_model.named_modules()
        if adapter_name in getattr(module, "lora_A", {})
    }
    if ours.keys() != theirs.keys():
        raise ValueError(f"The LoRA layers differ: ours {sorted(ours)}, peft's {sorted(theirs)}.")
    for name, layer in ours.items():
        source = theirs[name]
        if source.scaling[adapter_name] != layer.scaling:
            raise ValueError(f"Layer {name}: peft scales by {source.scaling[adapter_name]}, ours by {layer.scaling}.")
        layer.A.copy_(source.lora_A[adapter_name].weight)
        layer.B.copy_(source.lora_B[adapter_name].weight)
    return model
