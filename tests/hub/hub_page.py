"""What a person does on the hub's pages: log in, the Assignments tab, a terminal, formgrader's buttons."""
from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

SPAWN_TIMEOUT_MS = 240_000  # JupyterLab starts in 15-30 s on a busy 2-core machine


def log_in(context: BrowserContext, hub_url: str, user: str, password: str) -> Page:
    """Log in on the hub's form; wait until the user's JupyterLab has started."""
    page = context.new_page()
    page.set_viewport_size({"width": 1300, "height": 850})
    page.goto(f"{hub_url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=SPAWN_TIMEOUT_MS)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=SPAWN_TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.restored")
    return page


def command(page: Page, name: str, args: dict | None = None):
    return page.evaluate("([name, args]) => window.jupyterapp.commands.execute(name, args).then(() => true)",
                         [name, args or {}])


def open_assignments_tab(page: Page) -> None:
    """Nbgrader -> Assignment List: the tab students fetch and submit from."""
    command(page, "nbgrader:open-assignment-list")
    page.wait_for_selector("#released_assignments_list", state="attached")
    page.wait_for_function("""() => [...document.querySelectorAll('.list_loading')]
                                   .every(e => e.offsetParent === null)""", timeout=60_000)


def click_in_list(page: Page, list_id: str, label: str, timeout_ms: int = 60_000) -> None:
    page.locator(f"#{list_id} button", has_text=re.compile(rf"^{label}$")).first.click(timeout=timeout_ms)


def open_notebook(page: Page, path: str) -> None:
    command(page, "docmanager:open", {"path": path})
    page.wait_for_function("""(path) => { const w = window.jupyterapp.shell.currentWidget;
                               return w && w.context && w.context.path === path && w.context.isReady
                                      && w.content.widgets.length > 1; }""",
                           arg=path, timeout=60_000)


def set_cell_source(page: Page, grade_id: str, source: str) -> None:
    """Type an answer into the cell nbgrader knows as `grade_id` (through the notebook's own model)."""
    found = page.evaluate("""([gradeId, source]) => {
      const cells = window.jupyterapp.shell.currentWidget.content.widgets;
      const nbgrader = c => (c.model.getMetadata ? c.model.getMetadata('nbgrader') : c.model.metadata.nbgrader) || {};
      const cell = cells.find(c => nbgrader(c).grade_id === gradeId || c.model.id === gradeId);
      if (!cell) return cells.map(c => [c.model.id, JSON.stringify(nbgrader(c))]);
      cell.model.sharedModel.setSource(source);
      return true;
    }""", [grade_id, source])
    assert found is True, f"no cell {grade_id} in the open notebook: {found}"


def save_notebook(page: Page) -> None:
    command(page, "docmanager:save")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def run_in_terminal(page: Page, line: str) -> None:
    """Open a new JupyterLab terminal and type one command line into it."""
    command(page, "terminal:create-new")
    terminal = page.locator(".jp-Terminal").last
    terminal.wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(1500)  # the shell prompt
    terminal.click()
    page.keyboard.type(line)
    page.keyboard.press("Enter")


def wait_for_file(path: Path, pattern: str = "", timeout_s: float = 120) -> str:
    """What a command run in the browser wrote (read here, as root, from the disk the hub shares)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file():
            text = path.read_text(errors="replace")
            if re.search(pattern, text):
                return text
        time.sleep(1)
    raise TimeoutError(f"{path} did not show {pattern!r} within {timeout_s:.0f} s"
                       + (f"; it holds:\n{path.read_text(errors='replace')[-2000:]}" if path.is_file() else ""))


def formgrader_action(page: Page, formgrader_url: str, assignment: str, column: str) -> str:
    """Click the button in `column` (release, collect, generate-feedback, release-feedback) of an assignment's row."""
    page.goto(f"{formgrader_url}/manage_assignments")
    row = page.locator("tr", has=page.locator(f"td a:text-is('{assignment}')")).first
    button = row.locator(f"td.{column} a").first
    button.wait_for(state="visible", timeout=60_000)
    button.click()
    modal = page.locator(".modal-dialog").last
    modal.wait_for(state="visible", timeout=180_000)
    page.wait_for_function("""() => { const m = [...document.querySelectorAll('.modal-dialog')].pop();
                                      return m && /Successfully|error/i.test(m.innerText); }""", timeout=180_000)
    return modal.inner_text()


def close_modal(page: Page) -> None:
    page.locator(".modal-dialog .modal-footer button").last.click()
