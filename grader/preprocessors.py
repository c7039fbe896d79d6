"""Preprocessors we add to nbgrader's pipeline through its own configuration."""
from __future__ import annotations

import ast
import copy
import re
import threading

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Bool

from grader.cells import grade_id, has_nbgrader_meta, is_test, nbgrader_meta


class DropUnknownGradeCells(Preprocessor):
    """Strip nbgrader metadata the gradebook does not know, before nbgrader restores cells.

    nbgrader 0.9.6 stops with a KeyError (and the notebook goes ungraded) when
    a learner duplicates a cell (DeduplicateIds leaves the copy's metadata
    empty) or adds a cell claiming to be a test. Here such cells become
    ordinary cells: they still run, but are never graded, and the real tests
    are restored from the source as usual.
    """

    enabled = Bool(True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            known = {cell.name for cell in gradebook.find_notebook(info["notebook"], info["assignment"]).source_cells}
        for cell in nb.cells:
            if has_nbgrader_meta(cell) and grade_id(cell) not in known:
                del cell.metadata["nbgrader"]
        return nb, resources


class StderrIsNotFailure(Preprocessor):
    """Relabel stderr in test cells as stdout, so a warning is not a zero.

    nbgrader scores a test cell 0 if it printed anything on stderr, which turns
    a harmless DeprecationWarning (or tqdm's bar) into a lost grade. A failing
    test raises an exception, and that error output is left untouched.
    """

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if is_test(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = "".join(f"[stderr] {line}" for line in output.text.splitlines(True))
        return cell, resources


class NoInjectedPartialCredit(Preprocessor):
    """Only a test's own last expression may award partial credit.

    nbgrader reads the *first* ``execute_result`` of a test cell as a partial
    score and ignores any error after it, so learner code called by a test
    could publish ``execute_result: 2`` (``get_ipython().displayhook(2)``) and
    then fail. Here an ``execute_result`` counts only if the test's source ends
    with an expression, it is the last one, and the cell raised no error; any
    other becomes plain ``display_data``, which nbgrader does not score.
    """

    enabled = Bool(True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if not is_test(cell):
            return cell, resources
        outputs = cell.get("outputs", [])
        results = [i for i, output in enumerate(outputs) if output.output_type == "execute_result"]
        failed = any(output.output_type == "error" for output in outputs)
        keep = results[-1] if results and not failed and _ends_with_expression(cell.source) else None
        for i in results:
            if i != keep:
                outputs[i] = nbformat.v4.new_output("display_data", data=outputs[i].get("data", {}),
                                                    metadata=outputs[i].get("metadata", {}))
        return cell, resources


def _ends_with_expression(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr)


class CaptureResult(Preprocessor):
    """Keep the graded notebook in this process, for grader.check and classroom reports.

    Scores are recomputed from this copy rather than read back from files the
    kernel could have reached while it ran.
    """

    enabled = Bool(True)
    results: dict[tuple[str, str, str], tuple[NotebookNode, dict]] = {}
    _lock = threading.Lock()

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources.get("nbgrader", {})
        key = (info.get("assignment", ""), info.get("student", ""), info.get("notebook", ""))
        with self._lock:
            CaptureResult.results[key] = (copy.deepcopy(nb), copy.deepcopy(resources.get("dlcourse_grader", {})))
        return nb, resources

    @classmethod
    def pop(cls, assignment: str, student: str, notebook: str) -> tuple[NotebookNode, dict] | None:
        with cls._lock:
            return cls.results.pop((assignment, student, notebook), None)


HIDDEN_PLACEHOLDER = "# (hidden tests: not shown)"
WITHHELD = "[output withheld: it contained hidden test code]\n"


def split_hidden(source: str, begin: str = ClearHiddenTests.begin_test_delimeter.default_value,
                 end: str = ClearHiddenTests.end_test_delimeter.default_value) -> tuple[str, list[str]]:
    """The source without its hidden-test blocks, and the lines those blocks held.

    A block starts at a line containing ``begin`` and ends at one containing
    ``end``, as nbgrader's ClearHiddenTests reads them; each block leaves one
    placeholder line behind.
    """
    public, hidden = [], []
    inside = False
    for line in source.splitlines():
        if begin in line:
            inside = True
            public.append(line[: len(line) - len(line.lstrip())] + HIDDEN_PLACEHOLDER)
        elif end in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            public.append(line)
    return "\n".join(public), hidden


class HideHiddenTests(ClearHiddenTests):
    """Feedback shows neither hidden tests nor their source.

    nbgrader builds feedback from the autograded notebook, whose test cells hold
    the hidden tests. Here they are cut out of every test cell, between the
    delimiters configured for nbgrader's ClearHiddenTests (this class's
    parent, so ``c.ClearHiddenTests.begin_test_delimeter`` applies here too);
    a test's error keeps its name and message but loses the traceback (which
    quotes source lines); and any output anywhere that quotes a hidden line
    (learner code can read a running test's source) is withheld.
    """

    enabled = Bool(True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        hidden_lines = set()
        for cell in nb.cells:
            if is_test(cell) and self.begin_test_delimeter in cell.source:
                cell.source, hidden = split_hidden(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
                hidden_lines.update(line.strip() for line in hidden if len(line.strip()) >= 12)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            outputs = []
            for output in cell.get("outputs", []):
                if is_test(cell) and output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
                if hidden_lines and _quotes(output, hidden_lines):
                    output = nbformat.v4.new_output("stream", name="stdout", text=WITHHELD)
                outputs.append(output)
            cell.outputs = outputs
        return nb, resources


def _quotes(output: NotebookNode, lines: set[str]) -> bool:
    texts = []

    def collect(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    collect({key: value for key, value in output.items() if key != "output_type"})
    text = "\n".join(texts)
    return any(line in text for line in lines)


_HTML_TAG = re.compile(r"<\s*[a-zA-Z!/]")


class SanitizeForInstructors(Preprocessor):
    """Make learner-controlled HTML safe to open in formgrader and feedback.

    Formgrader renders autograded notebooks in the instructor's logged-in
    browser session, so a learner's ``display(HTML("<script>..."))`` or raw
    HTML in an answer cell could act as the instructor. Scripts are removed
    and HTML is cleaned (nbconvert's SanitizeHTML, which keeps tables and
    images); widgets and plots are kept. Locked cells come from the source and
    are left alone.
    """

    enabled = Bool(True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from nbconvert.preprocessors.sanitize import SanitizeHTML

        self._sanitizer = SanitizeHTML(parent=self)
        self._sanitizer.safe_output_keys = self._sanitizer.safe_output_keys | {
            "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"}

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        locked = nbgrader_meta(cell).get("locked")
        if cell.cell_type == "code":
            cell.outputs = self._sanitizer.sanitize_code_outputs(cell.outputs)
        elif cell.cell_type in ("markdown", "raw") and not locked and _HTML_TAG.search(cell.source):
            cell.source = self._sanitizer.sanitize_html_tags(cell.source)
        return cell, resources
