"""The decision-matrix widget as a learner sees it: the notebook run in JupyterLab in Chromium, then a slider moved."""

from __future__ import annotations

from lab import KERNEL_START_TIMEOUT_S, WIDGET_TIMEOUT_S, close_current_tab, open_notebook, poll, run_all_cells
from playwright.sync_api import Locator, Page

from ragft.course.widgets import X_LABEL
from ragft.decide.matrix import THRESHOLD

FALLBACK_TEXTS = ("Error displaying widget", "widget could not be displayed", "Loading widget...")
STDOUT = "[data-mime-type='application/vnd.jupyter.stdout']"
# What the widget's output area shows: the text it printed and the matrix figure (an <img> of the PNG).
READ_WIDGET_JS = f"""widget => ({{
    report: widget.querySelector(".widget-output {STDOUT}")?.innerText ?? null,
    image: widget.querySelector(".widget-output img")?.getAttribute("src") ?? null,
}})"""


def decision_matrix(notebook: Locator) -> tuple[Locator, Locator]:
    """The decision-matrix widget and its external-data slider, found by the slider's label, not by position."""
    label = notebook.page.get_by_text(X_LABEL, exact=True)
    slider = notebook.locator(".widget-slider").filter(has=label).first
    # The widget is the VBox right around the slider's row (the chapter may show other widgets, or nest this one).
    widget = slider.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")
    return widget, slider


def fallbacks_shown(notebook: Locator) -> list[str]:
    """The widget fallback messages (`FALLBACK_TEXTS`) the notebook shows."""
    text = notebook.inner_text().lower()
    return [fallback for fallback in FALLBACK_TEXTS if fallback.lower() in text]


def widget_trouble(notebook: Locator) -> str:
    """What the notebook shows where widgets failed: fallback messages, and plain-text outputs (a widget's repr)."""
    plain = notebook.locator(".jp-OutputArea-output[data-mime-type='text/plain']").all_inner_texts()
    return f"Widget fallback messages on the page: {fallbacks_shown(notebook)}; plain-text outputs: " \
           f"{[text[:200] for text in plain]}"


def assert_rendered(notebook: Locator, slider: Locator) -> None:
    """Fail unless the slider is visible and no cell shows a widget fallback message."""
    assert poll(slider.is_visible, bool, WIDGET_TIMEOUT_S), \
        f"the decision-matrix widget did not render: no slider labelled {X_LABEL!r} became visible within " \
        f"{WIDGET_TIMEOUT_S} s of the run's end. {widget_trouble(notebook)}"
    assert not fallbacks_shown(notebook), f"a widget of the notebook did not display. {widget_trouble(notebook)}"


def read_widget(widget: Locator) -> dict[str, str | None]:
    """The widget's output area now: its text ('report') and the src of its figure ('image'), None when absent."""
    return widget.evaluate(READ_WIDGET_JS)


def verdict(state: dict[str, str | None]) -> str:
    """The report's first line, "Recommendation: <approach>"."""
    return (state["report"] or "").partition("\n")[0]


def test_decision_matrix_widget_renders_and_follows_its_slider(page: Page, notebook_url: str, artifacts) -> None:
    notebook = open_notebook(page, notebook_url)
    run_all_cells(page, notebook)
    widget, slider = decision_matrix(notebook)
    # Scrolled to, as a learner would: JupyterLab does not render cells far out of view (the chapter is long).
    slider.scroll_into_view_if_needed()
    assert_rendered(notebook, slider)

    before = poll(lambda: read_widget(widget), lambda s: bool(s["image"]) and verdict(s).startswith("Recommendation:"),
                  WIDGET_TIMEOUT_S)
    assert before["image"], f"the widget's output shows no figure; its text: {before['report']!r}"
    assert verdict(before).startswith("Recommendation:"), \
        f"the widget's output should start with 'Recommendation:'; it shows {before['report']!r}"
    widget.screenshot(path=artifacts / "before.png")

    # Keys, as a learner with a keyboard would: End or Home takes the slider across the threshold (0.5).
    handle = slider.get_by_role("slider")
    start = float(handle.get_attribute("aria-valuetext"))
    handle.focus()
    handle.press("End" if start < THRESHOLD else "Home")
    moved = float(handle.get_attribute("aria-valuetext"))
    assert (start < THRESHOLD) != (moved < THRESHOLD), f"the key left the slider on the same side: {start} -> {moved}"

    after = poll(lambda: read_widget(widget),
                 lambda s: verdict(s) != verdict(before) and s["image"] not in (None, before["image"]),
                 WIDGET_TIMEOUT_S)
    widget.screenshot(path=artifacts / "after.png")
    moving = f"after moving external data {start} -> {moved}"
    assert verdict(after) != verdict(before), f"{moving}, the recommendation should change; it is {verdict(after)!r}"
    assert after["image"], f"{moving}, the widget's output shows no figure; its text: {after['report']!r}"
    assert after["image"] != before["image"], f"{moving}, the matrix figure should change; it is the same PNG"


def test_closing_the_notebook_tab_shuts_its_kernel_down(page: Page, server) -> None:
    # jupyter/overrides.json sets kernelShutdown; without it the kernel would run on, holding its memory.
    open_notebook(page, server.notebook_url)
    kernels = poll(server.running_kernels, bool, KERNEL_START_TIMEOUT_S)
    assert kernels, "the open notebook should have a running kernel"
    close_current_tab(page)
    left = poll(server.running_kernels, lambda running: not running, KERNEL_START_TIMEOUT_S)
    assert not left, f"closing the notebook's tab left its kernel running: {left} (is jupyter/overrides.json " \
                     "installed? `python -m ragft.course.jupyter_settings`)"
