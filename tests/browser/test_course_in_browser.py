"""The course in a real JupyterLab in Chromium, under Binder's limits (1 CPU, a 2 GB memory cgroup).

Each chapter's notebook, answers filled in, is run from the browser: no
tracebacks, every widget rendered, every widget's first control moved and the
view seen to change, and the run within the 90 s budget. The *Check your work*
cell is run in the browser for chapters 00 and 01 (each run grades the whole
notebook again, so doing it for every chapter would double the suite).
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import psutil
import pytest

from bench.notebooks import PeakRssSampler
from grader.i18n import tr
from grader.paths import chapter_names
from grader.translations import editions
from tests.browser.conftest import BINDER_MEMORY_MB
from tests.browser.lab_page import (
    error_outputs,
    move_first_control,
    open_notebook,
    rendered_widgets,
    run_cells,
    wait_for_change,
    wait_until_idle,
    widget_output_count,
)

CHAPTERS = chapter_names()
CHINESE_IN_BROWSER = [c for c in ("00_start_here", "06_attention_and_transformers", "10_fairness_and_bias")
                      if "zh" in editions(c)]
CJK = re.compile(r"[\u4e00-\u9fff]")
BUDGET_S = 90
CHECK_IN_BROWSER = {"00_start_here", "01_gradient_descent"}
BROKEN_TEXT = ("Error displaying widget", "Traceback (most recent call last)")


def _kernel_pid(server_pid: int, kernel_id: str) -> int:
    """The pid of the kernel process whose connection file names `kernel_id`."""
    for process in psutil.Process(server_pid).children(recursive=True):
        try:
            if f"kernel-{kernel_id}.json" in " ".join(process.cmdline()):
                return process.pid
        except psutil.NoSuchProcess:
            continue
    raise AssertionError(f"no kernel process for kernel {kernel_id}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_in_the_browser(chapter, lab, browser, artifacts, binder_runs, binder_memory):
    _run_in_the_browser(chapter, "en", lab, browser, artifacts, binder_runs, binder_memory)


@pytest.mark.parametrize("chapter", CHINESE_IN_BROWSER)
def test_chinese_chapter_runs_in_the_browser(chapter, lab, browser, artifacts, binder_runs, binder_memory):
    """The Chinese edition runs the same way; its text, widget labels and grader table are Chinese."""
    page = _run_in_the_browser(chapter, "zh", lab, browser, artifacts, binder_runs, binder_memory, keep_page=True)
    try:
        text = page.inner_text(".jp-NotebookPanel")
        assert len(CJK.findall(text)) > 200, "the notebook's text should be Chinese"
        widgets = rendered_widgets(page)
        if widgets:
            labels = " ".join(widget.inner_text() for widget in widgets)
            # Chapter 00's sliders are named after its own function's arguments (code, shared by both editions).
            if chapter != "00_start_here":
                assert CJK.search(labels), f"widget labels should be Chinese: {labels[:300]}"
            widgets[0].scroll_into_view_if_needed()
            (artifacts / f"{chapter}-zh-widget.png").write_bytes(widgets[0].screenshot())
    finally:
        page.close()


def _run_in_the_browser(chapter, language, lab, browser, artifacts, binder_runs, binder_memory, keep_page=False):
    """Run one chapter's answered notebook of one edition; returns the page when keep_page."""
    notebook = f"{chapter}.ipynb" if language == "en" else f"{chapter}.{language}.ipynb"
    key = chapter if language == "en" else f"{chapter}-{language}"
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    kernel_id = None
    try:
        open_notebook(page, lab.workspace_url(key, f"{chapter}/{notebook}"))
        kernel_id = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")
        kernel_pid = _kernel_pid(lab.process.pid, kernel_id)
        state = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets.length")
        code_cells = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
                                       .filter(c => c.model.type === 'code').length""")
        assert state > 0 and code_cells > 1

        start = time.monotonic()
        with PeakRssSampler(kernel_pid, interval=0.2) as sampler:
            run_cells(page, through_last=False)
            try:
                state = wait_until_idle(page, expect_executed=code_cells - 1, timeout_s=4 * BUDGET_S)
            except TimeoutError as error:
                page.screenshot(path=str(artifacts / f"{key}-timeout.png"), full_page=True)
                hits = binder_memory.times_hit()
                raise TimeoutError(f"{error}" + (f"; the {BINDER_MEMORY_MB} MB limit was hit {hits} times "
                                                 "(a killed kernel restarts and waits)" if hits else "")) from None
        seconds = time.monotonic() - start
        binder_runs[key] = {"seconds": round(seconds, 1), "kernel_peak_rss_mb": round(sampler.peak_bytes / 2**20),
                                "cgroup_peak_mb_so_far": round(binder_memory.peak_megabytes())}

        assert not error_outputs(state), error_outputs(state)
        notebook_text = page.inner_text(".jp-NotebookPanel")
        for broken in BROKEN_TEXT:
            assert broken not in notebook_text, f"the page shows '{broken}'"

        expected_widgets = widget_output_count(state)
        widgets = rendered_widgets(page)
        if len(widgets) != expected_widgets:
            (artifacts / f"{key}-page.html").write_text(page.content())
            page.screenshot(path=str(artifacts / f"{key}-page.png"), full_page=True)
        # A progress bar made with leave=False closes its widget when done; its output stays in the
        # notebook but has nothing left to render. Every live widget must render (no error text above).
        assert len(widgets) <= expected_widgets, \
            f"{len(widgets)} widget views rendered for {expected_widgets} widget outputs"
        moved = 0
        for index, widget in enumerate(widgets):
            widget.scroll_into_view_if_needed()
            before = widget.screenshot()
            control = move_first_control(page, widget)
            if control is None:
                continue  # a progress bar or a display-only view
            after = wait_for_change(widget, before)
            assert after != before, f"moving the {control} of widget {index} did not change its view"
            if moved == 0:
                (artifacts / f"{key}.png").write_bytes(after)
            moved += 1
        if expected_widgets:
            assert moved > 0 or chapter not in ("00_start_here", "01_gradient_descent")

        if chapter in CHECK_IN_BROWSER:
            page.evaluate("""() => {
              const notebook = window.jupyterapp.shell.currentWidget.content;
              notebook.activeCellIndex = notebook.widgets.length - 1;
              return window.jupyterapp.commands.execute('notebook:run-cell');
            }""")
            state = wait_until_idle(page, expect_executed=code_cells, timeout_s=6 * BUDGET_S)
            check_output = "".join(o.get("text", "") for o in state["cells"][-1].get("outputs", []))
            score = re.search(rf"{tr('Score', language)}: ([\d.]+) / ([\d.]+)", check_output)
            assert score, f"the Check your work cell showed no score table:\n{check_output[-1000:]}"
            assert score.group(1) == score.group(2), check_output
            assert tr("test", language) in check_output and tr("pass", language) in check_output
        assert not page_errors, page_errors
        peak_mb = sampler.peak_bytes / 2**20
        assert peak_mb <= BINDER_MEMORY_MB, f"{chapter} peaked at {peak_mb:.0f} MB, over Binder's {BINDER_MEMORY_MB} MB"
        assert seconds <= BUDGET_S, f"{chapter} took {seconds:.0f} s under Binder's limits (budget {BUDGET_S} s)"
    finally:
        # Through the server, not the page: a kernel stuck in a timed-out run must not slow the next chapter.
        if kernel_id is not None:
            lab.shut_down_kernel(kernel_id)
        if not keep_page:
            page.close()
    return page


def test_nbgrader_extensions_load_without_console_errors(lab, browser):
    page = browser.new_page()
    console_errors: list[str] = []
    kernel_id = None
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    try:
        open_notebook(page, lab.workspace_url("extensions", "00_start_here/00_start_here.ipynb"))
        kernel_id = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")
        commands = page.evaluate("() => window.jupyterapp.commands.listCommands().filter(c => c.startsWith('nbgrader'))")
        for expected in ("nbgrader:open-assignment-list", "nbgrader:open-formgrader"):
            assert expected in commands, f"{expected} missing; nbgrader commands found: {commands}"
        plugins = page.evaluate("() => window.jupyterapp.listPlugins().filter(p => p.includes('nbgrader'))")
        assert plugins, "no nbgrader plugin registered"
        active = page.evaluate("""(ids) => ids.filter(id => window.jupyterapp.isPluginActivated(id))""", plugins)
        assert set(active) == set(plugins), f"inactive nbgrader plugins: {sorted(set(plugins) - set(active))}"
        time.sleep(2)
        assert not console_errors, console_errors
    finally:
        if kernel_id is not None:
            lab.shut_down_kernel(kernel_id)
        page.close()


def test_binders_memory_limit_is_enforced(lab, binder_memory):
    """A process in JupyterLab's cgroup that touches more than 2 GB is killed, as on Binder; outside, it is not."""
    def allocate_over_the_limit(in_cgroup: bool) -> int:
        hog = subprocess.Popen([sys.executable, "-c", "import sys, numpy; sys.stdin.readline(); "
                                f"numpy.ones({(BINDER_MEMORY_MB + 512) * 2**20 // 8})"], stdin=subprocess.PIPE)
        if in_cgroup:
            binder_memory.add(hog.pid)  # joins the server and its kernels, as a kernel would
        hog.communicate(b"go\n", timeout=120)
        return hog.returncode

    assert allocate_over_the_limit(in_cgroup=False) == 0, "the control run (no cgroup) should have had the memory"
    returncode = allocate_over_the_limit(in_cgroup=True)
    assert returncode == -signal.SIGKILL, f"a {BINDER_MEMORY_MB + 512} MB allocation in the cgroup ended with {returncode}"
    assert lab.process.poll() is None, "JupyterLab itself should survive a kernel that outgrows the limit"
