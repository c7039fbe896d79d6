"""``python -m grader check NOTEBOOK``: grade a learner's notebook against its source."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.utils import determine_grade

from grader.cell_errors import GRADER_ERRORS
from grader.cells import grade_id, is_graded, is_solution
from grader.config import CELL_TIMEOUT_S, NOTEBOOK_TIMEOUT_S
from grader.course import STUDENT_ID, throwaway_course
from grader.errors import UngradableError
from grader.i18n import notebook_language
from grader.notebooks import chapter_of, read_notebook, without_check_cell
from grader.paths import solution_notebook
from grader.preprocessors import CaptureResult
from grader.report import NoteKind, Report, TestResult
from grader.scan import review_notes


def grade(path: Path, *, cell_timeout: int = CELL_TIMEOUT_S, notebook_timeout: int = NOTEBOOK_TIMEOUT_S,
          language: str | None = None) -> Report:
    """Grade the notebook at ``path``; never writes to it. Raises UngradableError.

    The report's table is in ``language``, else in the notebook's edition's.
    """
    learner_notebook = read_notebook(path)
    chapter = chapter_of(learner_notebook, path)
    submission_notebook = without_check_cell(learner_notebook)
    with throwaway_course(chapter, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout) as course:
        submission = course.submission_path()
        submission.parent.mkdir(parents=True)
        nbformat.write(submission_notebook, submission)
        course.autograde()
        captured = CaptureResult.pop(chapter, STUDENT_ID, chapter)
    if captured is None:
        raise UngradableError("nbgrader finished without grading this notebook")
    autograded, notes = captured
    report = build_report(autograded, chapter, str(path), notes)
    report.language = language or notebook_language(learner_notebook.metadata)
    for note in review_notes(submission_notebook):
        report.add_note(NoteKind.REVIEW, note)
    return report


def build_report(autograded: NotebookNode, chapter: str, notebook: str, notes: dict | None = None) -> Report:
    """One row per graded cell of an autograded notebook, scored the way nbgrader scores it."""
    descriptions = _test_descriptions(nbformat.read(solution_notebook(chapter), as_version=4))
    report = Report(chapter=chapter, notebook=notebook, executed=autograded)
    for cell in autograded.cells:
        if not is_graded(cell):
            continue
        score, max_score = determine_grade(cell)
        description = descriptions.get(grade_id(cell), "")
        report.tests.append(result_for(cell, grade_id(cell), score, max_score, description))
    notes = notes or {}
    report.events = list(notes.get("events", []))
    for note in notes.get("limits", []):
        report.add_note(NoteKind.LIMIT, note)
    if notes.get("restored"):
        items = ", ".join(notes["restored"][:4]) + (" ..." if len(notes["restored"]) > 4 else "")
        report.add_note(NoteKind.RESTORED, f"your code changed {items} before the tests; the grader put it back for them")
    return report


def result_for(cell: NotebookNode, name: str, score: float | None, max_score: float, description: str) -> TestResult:
    needs_manual = score is None
    if needs_manual or cell.cell_type == "markdown" or is_solution(cell):
        return TestResult(name, 0.0 if needs_manual else score, max_score, "manual",
                          "written answer: graded by a person" if needs_manual else "no answer written",
                          description)
    if score >= max_score:
        return TestResult(name, score, max_score, "pass", "", description)
    errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
    error = next((e for e in errors if e.ename in GRADER_ERRORS), errors[0] if errors else None)
    if error is None:
        return TestResult(name, score, max_score, "fail", "partial credit", description)
    status = "fail" if error.ename == "AssertionError" else "error"
    return TestResult(name, score, max_score, status, reason(error.ename, error.evalue), description)


def reason(ename: str, evalue: str) -> str:
    """One line a learner can act on; never the test's source or traceback."""
    first_line = (evalue or "").strip().splitlines()[0] if (evalue or "").strip() else ""
    if ename == "NotImplementedError":
        return "not written yet: a YOUR CODE HERE cell still raises NotImplementedError"
    if ename in GRADER_ERRORS:
        text = first_line
    elif ename == "SystemExit":
        text = "SystemExit: the code called sys.exit() or exit() during the test"
    else:
        text = f"{ename}: {first_line}" if first_line else ename
    return text if len(text) <= 200 else text[:197] + "..."


def _test_descriptions(source: NotebookNode) -> dict[str, str]:
    """grade_id -> the first line of the test cell's docstring."""
    descriptions = {}
    for cell in source.cells:
        name = grade_id(cell)
        if not name or cell.cell_type != "code":
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            descriptions[name] = body[0].value.value.strip().splitlines()[0]
    return descriptions
