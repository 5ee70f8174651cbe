"""Interactive explorers for the notebooks (ipywidgets + matplotlib). The logic they show lives elsewhere."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ragft.citations import CitationChecker
from ragft.gpt import TinyGPT
from ragft.hallucination import describe, group_of, probe


def plot_next_token_distribution(distribution: list[tuple[str, float]], title: str, ax=None):
    """Horizontal bar chart of (token, probability) pairs, most likely on top."""
    ax = ax or plt.subplots(figsize=(6, 3))[1]
    tokens = [repr(token) for token, _ in distribution][::-1]
    ax.barh(tokens, [p for _, p in distribution][::-1], color="tab:blue")
    ax.set(title=title, xlabel="probability of the next token", ylabel="candidate token", xlim=(0, 1))
    return ax


def sampling_explorer(model: TinyGPT, prompt: str, n_samples: int = 3) -> widgets.VBox:
    """Sliders for temperature, top-k and seed; shows the next-token distribution and a few sampled answers."""
    text = widgets.Textarea(value=prompt, description="prompt", layout=widgets.Layout(width="95%", height="4em"))
    temperature = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1, description="temperature")
    top_k = widgets.IntSlider(value=0, min=0, max=50, description="top-k (0: off)")
    seed = widgets.IntSlider(value=0, min=0, max=20, description="seed")

    def show(prompt: str, temperature: float, top_k: int, seed: int) -> None:
        shown_t = max(temperature, 1e-3)  # temperature 0 is greedy: its distribution is all on the top token
        distribution = model.next_token_distribution(prompt, k=10, temperature=shown_t)
        plot_next_token_distribution(distribution, f"Next token at temperature {temperature:.1f}")
        plt.show()
        for i in range(n_samples):
            sample = model.generate(prompt, max_new_tokens=40, temperature=temperature, top_k=top_k or None,
                                    seed=seed * 100 + i)
            print(f"sample {i + 1}: {sample!r}")

    output = widgets.interactive_output(show, {"prompt": text, "temperature": temperature, "top_k": top_k, "seed": seed})
    return widgets.VBox([text, widgets.HBox([temperature, top_k, seed]), output])


def question_explorer(
    model: TinyGPT, questions: list, checker: CitationChecker | None = None, label_width: int = 90
) -> widgets.VBox:
    """A dropdown of questions; shows the model's closed-book answer, its confidence, the verdict and the real case."""
    checker = checker or CitationChecker()
    options = []
    for i, q in enumerate(questions):
        label = f"{group_of(q)} · {q.kind} · {q.question}"
        options.append((label if len(label) <= label_width else label[: label_width - 1] + "…", i))
    dropdown = widgets.Dropdown(options=options, description="question", layout=widgets.Layout(width="95%"))
    seen: dict[int, str] = {}  # answers already computed, so going back to a question is instant

    def show(index: int) -> None:
        if index not in seen:
            seen[index] = describe(probe(model, [questions[index]], checker)[0])
        print(seen[index])

    output = widgets.interactive_output(show, {"index": dropdown})
    return widgets.VBox([dropdown, output])
