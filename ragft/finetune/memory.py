"""What fine-tuning costs in memory, and how many numbers LoRA trains: arithmetic on layer shapes."""

from __future__ import annotations


BYTES = {"fp32": 4, "bf16": 2}


def training_memory_gb(n_params: float, trainable: float | None = None, precision: str = "fp32") -> dict[str, float]:
    """GB (1e9 bytes) of weights, gradients and AdamW's two moments when `trainable` of `n_params` are trained.

    Everything is stored in `precision`. (Mixed-precision recipes keep the moments and a master copy of the
    weights in fp32, which costs more.) Activations come on top and grow with batch size and sequence length.
    """
    trainable = n_params if trainable is None else trainable
    size = BYTES[precision]
    parts = {"weights": n_params * size, "gradients": trainable * size, "AdamW states": 2 * trainable * size}
    gb = {name: value / 1e9 for name, value in parts.items()}
    gb["total"] = sum(gb.values())
    return gb


def gpt_linear_shapes(n_layer: int, n_embd: int, d_ff: int | None = None) -> dict[str, tuple[int, int]]:
    """(in, out) of the four linear layers of each GPT-2 block, by the layer's name inside a block."""
    d_ff = 4 * n_embd if d_ff is None else d_ff
    block = {"attn.c_attn": (n_embd, 3 * n_embd), "attn.c_proj": (n_embd, n_embd),
             "mlp.c_fc": (n_embd, d_ff), "mlp.c_proj": (d_ff, n_embd)}  # fmt: skip
    return {f"h.{i}.{name}": shape for i in range(n_layer) for name, shape in block.items()}


def llama_linear_shapes(n_layer: int, d: int, d_ff: int, kv_dim: int | None = None) -> dict[str, tuple[int, int]]:
    """(in, out) of the seven linear layers of each Llama block (q, k, v, o; gate, up, down); kv_dim < d with GQA."""
    kv_dim = d if kv_dim is None else kv_dim
    block = {"q_proj": (d, d), "k_proj": (d, kv_dim), "v_proj": (d, kv_dim), "o_proj": (d, d),
             "gate_proj": (d, d_ff), "up_proj": (d, d_ff), "down_proj": (d_ff, d)}  # fmt: skip
    return {f"layers.{i}.{name}": shape for i in range(n_layer) for name, shape in block.items()}


def lora_parameter_count(shapes: dict[str, tuple[int, int]], r: int) -> int:
    """Trainable numbers LoRA adds with rank r: r * (in + out) per wrapped layer."""
    return sum(r * (d_in + d_out) for d_in, d_out in shapes.values())


def plot_lora_shapes(d_in: int, d_out: int, r: int, ax=None):
    """LoRA as a picture: the frozen W (out x in) next to the thin trainable B (out x r) and A (r x in), to scale."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ax = ax or plt.subplots(figsize=(9, 3.6))[1]
    gap = 0.6 * d_in
    shapes = [("W (frozen)", d_in, d_out, "lightgray"), ("B (trained)", r, d_out, "tab:orange"),
              ("A (trained)", d_in, r, "tab:blue")]  # fmt: skip
    x = 0.0
    for i, (name, width, height, color) in enumerate(shapes):
        if i:
            ax.text(x + gap / 2, d_out / 2, "+  α/r  ×" if i == 1 else "×", ha="center", va="center", fontsize=13)
            x += gap
        ax.add_patch(Rectangle((x, d_out - height), width, height, facecolor=color, edgecolor="black"))
        ax.text(x + width / 2, -0.08 * d_out, f"{name}\n{height} × {width}\n= {width * height:,} numbers",
                ha="center", va="top", fontsize=9)
        x += width
    ax.set(xlim=(-0.1 * d_in, x + 0.1 * d_in), ylim=(-0.55 * d_out, 1.05 * d_out), aspect="equal",
           title=f"W + (α/r)·B·A for one {d_in} → {d_out} layer at r = {r} (drawn to scale)",
           xlabel="columns", ylabel="rows")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
