"""The notebooks' interactive widgets and pictures (ipywidgets + matplotlib): the sampling and question explorers
of chapters 01-02 and the decision matrix of chapter 05. The logic they show lives in the teaching packages."""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import clear_output, display
from matplotlib.patches import Rectangle

from ragft.decide.matrix import (KNOWLEDGE_CHANGES, QUADRANTS, SCENARIOS, THRESHOLD, TRAINING_BUDGETS, Recommendation,
                                 UseCase, format_recommendation, recommend)
from ragft.evaluate.citations import CitationChecker
from ragft.evaluate.hallucination import describe, probe
from ragft.model.gpt import TinyGPT
from ragft.world.groups import group_of


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
            seen[index] = describe(probe(model, [questions[index]], checker)[0], checker)
        print(seen[index])

    output = widgets.interactive_output(show, {"index": dropdown})
    return widgets.VBox([dropdown, output])


# ---- the decision matrix (chapter 05) -----------------------------------------------------------------------------

X_LABEL = "dependency on external data (score, 0-1)"
Y_LABEL = "dependency on capability / domain understanding (score, 0-1)"
CUSTOM = "(your own use case)"


def _wide(width: str = "48%") -> dict:
    """Layout keywords for a control taking half a row (or `width`), its description in full."""
    return {"style": {"description_width": "initial"}, "layout": widgets.Layout(width=width)}


def plot_decision_matrix(use_case: UseCase, recommendation: Recommendation, ax=None):
    """The 2×2 matrix, the recommended quadrant highlighted, the use case as a point and where the factors moved it."""
    ax = ax or plt.subplots(figsize=(6.5, 6.5), layout="constrained")[1]
    for (high_x, high_y), approach in QUADRANTS.items():
        x0, y0 = THRESHOLD * high_x, THRESHOLD * high_y
        chosen = approach == recommendation.approach
        ax.add_patch(Rectangle((x0, y0), THRESHOLD, THRESHOLD, facecolor="#b7e4c7" if chosen else "#f1f1f1",
                               edgecolor="0.6"))
        ax.text(x0 + THRESHOLD / 2, y0 + THRESHOLD - 0.04, approach, ha="center", va="top", fontsize=12,
                fontweight="bold" if chosen else "normal", color="0.1" if chosen else "0.5")
    point = (use_case.external_data, use_case.capability)
    # clip_on=False: a point on the border (a score of 0 or 1) stays whole.
    ax.plot(*point, "o", ms=10, mfc="white", mec="black", clip_on=False, zorder=3, gid="use case",
            label="the use case as described")
    if recommendation.position != point:
        ax.annotate("", xy=recommendation.position, xytext=point, arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.plot(*recommendation.position, "o", ms=8, color="tab:red", clip_on=False, zorder=4, gid="after factors",
            label="after the factors")
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel=X_LABEL, ylabel=Y_LABEL,
           title=f"Decision matrix: {use_case.name or 'your use case'} → {recommendation.approach}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False)
    return ax


def _controls() -> dict[str, widgets.ValueWidget]:
    """One control per `UseCase` field (except the name), set to the neutral defaults."""
    return {
        # The axes' long labels would squeeze a half-row slider to nothing: each axis gets a row of its own.
        "external_data": widgets.FloatSlider(value=0.25, min=0, max=1, step=0.05, description=X_LABEL,
                                             **_wide("70%")),
        "capability": widgets.FloatSlider(value=0.25, min=0, max=1, step=0.05, description=Y_LABEL, **_wide("70%")),
        "knowledge_changes": widgets.Dropdown(options=KNOWLEDGE_CHANGES, value="yearly",
                                              description="knowledge changes", **_wide()),
        "training_budget": widgets.Dropdown(options=TRAINING_BUDGETS, value="small",
                                            description="training budget", **_wide()),
        "labelled_examples": widgets.BoundedIntText(value=500, min=0, max=1_000_000,
                                                    description="labelled examples", **_wide()),
        "latency_budget_ms": widgets.IntSlider(value=2000, min=50, max=5000, step=50,
                                               description="latency budget (ms per answer)", **_wide()),
        "needs_citations": widgets.Checkbox(value=False, description="answers must cite sources", **_wide()),
        "private_data": widgets.Checkbox(value=False, description="private data", **_wide()),
    }


class DecisionMatrixWidget(widgets.VBox):
    """Controls for a use case, a scenario loader, and an output with the matrix and the recommendation."""

    def __init__(self) -> None:
        super().__init__()
        self.controls = _controls()
        self.scenario = widgets.Dropdown(options=[CUSTOM, *(s.name for s in SCENARIOS)], description="load scenario",
                                         **_wide())
        self.output = widgets.Output()
        self.figure, self.report, self._loading = None, "", False
        controls = list(self.controls.values())
        axes, factors = controls[:2], controls[2:]
        self.children = [self.scenario, *axes, *(widgets.HBox(factors[i:i + 2]) for i in range(0, len(factors), 2)),
                         self.output]
        for control in controls:
            control.observe(self.redraw, names="value")
        self.scenario.observe(self._load_scenario, names="value")
        self.redraw()

    def use_case(self) -> UseCase:
        """The use case the controls describe, named after the loaded scenario while it is unchanged."""
        use_case = UseCase(**{name: control.value for name, control in self.controls.items()})
        loaded = {s.name: s.use_case for s in SCENARIOS}.get(self.scenario.value)
        return loaded if loaded and replace(loaded, name="") == use_case else use_case

    def redraw(self, change=None) -> None:
        """Recompute the recommendation, redraw the matrix and print the reasons."""
        if self._loading:
            return
        use_case = self.use_case()
        recommendation = recommend(use_case)
        fig = plot_decision_matrix(use_case, recommendation).figure
        self.figure, self.report = fig, format_recommendation(recommendation)
        with self.output:
            clear_output(wait=True)
            display(fig)
            print(self.report)
        plt.close(fig)  # shown once, in the output area; keeps pyplot from showing it again or piling figures up

    def _load_scenario(self, change) -> None:
        """Copy the chosen scenario's use case into the controls, then redraw once."""
        chosen = {s.name: s.use_case for s in SCENARIOS}.get(change["new"])
        if chosen is None:
            return
        self._loading = True
        try:
            for name, control in self.controls.items():
                control.value = getattr(chosen, name)
        finally:
            self._loading = False
        self.redraw()


def decision_matrix_widget() -> DecisionMatrixWidget:
    """The interactive decision matrix for chapter 05: move the sliders, read the recommendation and its reasons."""
    return DecisionMatrixWidget()
