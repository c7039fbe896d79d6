"""Driving a notebook in a real JupyterLab page through the app JupyterLab exposes to the browser."""
from __future__ import annotations

import time

from playwright.sync_api import ElementHandle, Page

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage",
                 # this machine's network is closed: stop Chromium's own background traffic
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]

KERNEL_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return Boolean(kernel && kernel.status === 'idle' && panel.content && panel.content.widgets.length > 0);
}"""

NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets.map(cell => cell.model.toJSON());
  const running = [...panel.node.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('[*]'));
  return {status: panel.sessionContext.session.kernel.status, running, cells};
}"""


def open_notebook(page: Page, url: str, timeout_s: float = 180) -> None:
    """Open a notebook and wait for its kernel; mark its panel so later queries look inside it only."""
    page.goto(url)
    page.wait_for_function(KERNEL_READY, timeout=timeout_s * 1000)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.node.setAttribute('data-under-test', '')")


def run_cells(page: Page, *, through_last: bool) -> None:
    """Run every cell, or every cell above the last (the *Check your work* cell)."""
    if through_last:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        return
    page.evaluate("""() => {
      const notebook = window.jupyterapp.shell.currentWidget.content;
      notebook.activeCellIndex = notebook.widgets.length - 1;
      return window.jupyterapp.commands.execute('notebook:run-all-above');
    }""")


def wait_until_idle(page: Page, *, expect_executed: int, timeout_s: float) -> dict:
    """Wait until the kernel is idle, no prompt shows [*], and `expect_executed` code cells have run."""
    deadline = time.monotonic() + timeout_s
    calm_polls = 0
    state: dict = {"cells": [], "status": "unknown", "running": True}
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE)
        executed = sum(1 for c in state["cells"] if c["cell_type"] == "code" and c.get("execution_count"))
        stopped_at_error = state["status"] == "idle" and not state["running"] and error_outputs(state)
        if stopped_at_error:
            return state  # Run All stops at the first error; the caller reports it
        if state["status"] == "idle" and not state["running"] and executed >= expect_executed:
            calm_polls += 1
            if calm_polls >= 2:
                return state
        else:
            calm_polls = 0
        time.sleep(0.5)
    raise TimeoutError(f"notebook still running after {timeout_s:.0f} s: {describe_progress(state)}")


def describe_progress(state: dict) -> str:
    """Which code cell the run reached, for a timeout message that says where to look."""
    code_cells = [c for c in state["cells"] if c["cell_type"] == "code"]
    finished = sum(1 for c in code_cells if c.get("execution_count"))
    if finished == len(code_cells):
        return f"kernel {state['status']}, all {len(code_cells)} code cells ran"
    source = "".join(code_cells[finished]["source"]).strip()
    first_line = source.splitlines()[0][:100] if source else "?"
    return (f"kernel {state['status']}, {finished} of {len(code_cells)} code cells finished; "
            f"the next one starts with: {first_line!r}")


def error_outputs(state: dict) -> list[str]:
    return [f"cell {c.get('id')}: {o.get('ename')}: {o.get('evalue')}"[:300]
            for c in state["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def widget_output_count(state: dict) -> int:
    return sum(1 for c in state["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))


def rendered_widgets(page: Page) -> list[ElementHandle]:
    """Top-level widget views rendered in the output areas of the notebook under test."""
    return page.query_selector_all("[data-under-test] .jp-OutputArea-output > .jupyter-widgets")


def move_first_control(page: Page, widget: ElementHandle) -> str | None:
    """Move the widget's first slider or dropdown; return what was moved, or None if it has no control."""
    handle = widget.query_selector(".noUi-handle")
    if handle is not None:
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(4):  # keyboard steps change the value like a drag, and fire one 'change'
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        return "slider"
    select = widget.query_selector("select")
    if select is not None:
        options = select.query_selector_all("option")
        if len(options) > 1:
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % len(options))
            return "dropdown"
    return None


def wait_for_change(widget: ElementHandle, before: bytes, timeout_s: float = 30) -> bytes:
    deadline = time.monotonic() + timeout_s
    after = before
    while time.monotonic() < deadline:
        time.sleep(0.5)
        after = widget.screenshot()
        if after != before:
            time.sleep(1.0)  # let the redraw settle before the artifact screenshot
            return widget.screenshot()
    return after
