"""Driving JupyterLab as a learner does: open a notebook, Run All, close its tab; shared by the browser tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from playwright.sync_api import Locator, Page

NOTEBOOK_OPEN_TIMEOUT_S = 60
KERNEL_START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 240  # a chapter runs real measurements (and chapter 01 trains a model) before Run All ends
WIDGET_TIMEOUT_S = 30

T = TypeVar("T")


def poll(read: Callable[[], T], done: Callable[[T], bool], timeout_s: float) -> T:
    """Call `read` until `done` holds for its value or `timeout_s` pass; return the last value read."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.25)
        value = read()
    return value


def prompts(notebook: Locator) -> list[str]:
    """The code cells' input prompts: '[ ]:' not run, '[*]:' queued or running, '[3]:' run."""
    return notebook.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()


def kernel_status(page: Page) -> str:
    """The kernel as the status bar shows it: 'Python 3 (ipykernel) | Idle', '... | Busy', 'No Kernel | ...'."""
    return page.locator(".jp-StatusBar-TextItem[title^='Change kernel']").text_content() or ""


def kernel_idle(status: str) -> bool:
    """True for a connected kernel that is idle (the toolbar's indicator also says idle before there is a kernel)."""
    return status.endswith("| Idle") and not status.startswith("No Kernel")


def kernel_status_picking_default(page: Page) -> str:
    """The kernel status, after clicking "Select" if JupyterLab asks which kernel to start (no kernelspec saved)."""
    dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    if dialog.is_visible():
        dialog.locator(".jp-mod-accept").click()
    return kernel_status(page)


def open_notebook(page: Page, url: str) -> Locator:
    """Open the notebook in JupyterLab and wait until its kernel is idle; return the notebook panel.

    `reset` empties the saved workspace first: otherwise a reload can restore a notebook whose tab was just closed
    (the workspace is saved after a delay), start its kernel again and make it the document Run All acts on."""
    page.goto(url + ("&" if "?" in url else "?") + "reset", timeout=NOTEBOOK_OPEN_TIMEOUT_S * 1000)
    notebook = page.locator(".jp-NotebookPanel").filter(visible=True)
    notebook.locator(".jp-Cell").first.wait_for(timeout=NOTEBOOK_OPEN_TIMEOUT_S * 1000)
    status = poll(lambda: kernel_status_picking_default(page), kernel_idle, KERNEL_START_TIMEOUT_S)
    assert kernel_idle(status), f"no idle kernel {KERNEL_START_TIMEOUT_S} s after opening the notebook: {status!r}"
    return notebook


def start_run_all(page: Page, notebook: Locator) -> list[str]:
    """Click Run > Run All Cells once the notebook is the current document and the item is enabled; return the prompts
    seen when a first cell was marked, or after `WIDGET_TIMEOUT_S` if none was."""
    notebook.locator(".jp-Cell").first.click()  # a learner's click: the notebook becomes the one the Run menu acts on
    page.get_by_role("menuitem", name="Run", exact=True).click()
    item = page.locator("li[data-command='runmenu:run-all']")  # by command id: the menu also has "...Run All"
    poll(lambda: item.get_attribute("class") or "", lambda classes: "lm-mod-disabled" not in classes, WIDGET_TIMEOUT_S)
    item.click()
    # Run All marks every code cell '[*]:' at once, numbers each as it runs, and unmarks those left when one raises.
    return poll(lambda: prompts(notebook), lambda cells: cells[:1] != ["[ ]:"], WIDGET_TIMEOUT_S)


def run_all_cells(page: Page, notebook: Locator) -> None:
    """Run every cell as a learner would (Run menu, "Run All Cells"), and wait until the run is over."""
    started = start_run_all(page, notebook)
    assert started[:1] != ["[ ]:"], f"Run All Cells started no cell within {WIDGET_TIMEOUT_S} s; prompts: {started}"
    cells, status = poll(lambda: (prompts(notebook), kernel_status(page)),
                         lambda seen: "[*]:" not in seen[0] and kernel_idle(seen[1]), RUN_TIMEOUT_S)
    assert "[*]:" not in cells and kernel_idle(status), \
        f"the notebook was still running after {RUN_TIMEOUT_S} s (status bar: {status!r}); prompts: {cells}"
    if "[ ]:" in cells:
        stopped = cells.index("[ ]:") - 1
        output = notebook.locator(".jp-CodeCell").nth(stopped).locator(".jp-OutputArea").inner_text()
        pytest.fail(f"Run All stopped at code cell {stopped + 1} of {len(cells)}; it printed:\n{output[-2000:]}")


def close_current_tab(page: Page) -> None:
    """Close the notebook's tab as a learner does (File > Close Tab), discarding changes if JupyterLab asks."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator("li[data-command='application:close']").click()
    dialog = page.locator(".jp-Dialog")
    if poll(dialog.is_visible, bool, 2):
        dialog.get_by_role("button", name="Discard").click()

