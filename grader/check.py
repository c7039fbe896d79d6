"""``python -m grader check NOTEBOOK``: grade a learner's notebook against its source."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook

from grader.config import CELL_TIMEOUT_S, COURSE_ID
from grader.course import STUDENT_ID, throwaway_course
from grader.notebooks import chapter_of, read_notebook, without_check_cell
from grader.paths import solution_notebook
from grader.report import Report, TestResult


def grade(path: Path) -> Report:
    """Grade the notebook at ``path``; never writes to it. Raises UngradableError."""
    learner_notebook = read_notebook(path)
    chapter = chapter_of(learner_notebook, path)
    with throwaway_course(chapter) as course:
        submission = course.submission_path()
        submission.parent.mkdir(parents=True)
        nbformat.write(without_check_cell(learner_notebook), submission)
        course.autograde()
        autograded = nbformat.read(course.autograded_path(), as_version=4)
        scores = _scores_from_gradebook(course.db_url, chapter)
    descriptions = _test_descriptions(nbformat.read(solution_notebook(chapter), as_version=4))
    report = Report(chapter=chapter, notebook=str(path), executed=autograded)
    for cell in autograded.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in scores:
            continue
        score, max_score, needs_manual = scores.pop(grade_id)
        report.tests.append(_result(cell, grade_id, score, max_score, needs_manual, descriptions.get(grade_id, "")))
    return report


def _scores_from_gradebook(db_url: str, chapter: str) -> dict[str, tuple[float, float, bool]]:
    with Gradebook(db_url, COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(chapter, chapter, STUDENT_ID)
        return {grade.name: (grade.score or 0.0, grade.max_score, bool(grade.needs_manual_grade))
                for grade in notebook.grades}


def _result(cell: NotebookNode, name: str, score: float, max_score: float, needs_manual: bool,
            description: str) -> TestResult:
    if needs_manual or cell.cell_type == "markdown" or cell.metadata.nbgrader.get("solution"):
        return TestResult(name, 0.0 if needs_manual else score, max_score, "manual",
                          "written answer: graded by a person" if needs_manual else "no answer written",
                          description)
    if score >= max_score:
        return TestResult(name, score, max_score, "pass", "", description)
    error = next((output for output in cell.get("outputs", []) if output.output_type == "error"), None)
    if error is None:
        return TestResult(name, score, max_score, "fail", "partial credit", description)
    status = "fail" if error.ename == "AssertionError" else "error"
    return TestResult(name, score, max_score, status, _reason(error.ename, error.evalue), description)


def _reason(ename: str, evalue: str) -> str:
    """One line a learner can act on; never the test's source or traceback."""
    first_line = (evalue or "").strip().splitlines()[0] if (evalue or "").strip() else ""
    if ename == "NotImplementedError":
        return "not written yet: a YOUR CODE HERE cell still raises NotImplementedError"
    if ename == "CellTimeoutError":
        return f"timed out: a cell ran longer than {CELL_TIMEOUT_S} s (an endless loop?)"
    if ename == "DeadKernelError":
        return "the kernel died (out of memory, or the code exited the process)"
    reason = f"{ename}: {first_line}" if first_line else ename
    return reason if len(reason) <= 200 else reason[:197] + "..."


def _test_descriptions(source: NotebookNode) -> dict[str, str]:
    """grade_id -> the first line of the test cell's docstring."""
    descriptions = {}
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not grade_id or cell.cell_type != "code":
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            descriptions[grade_id] = body[0].value.value.strip().splitlines()[0]
    return descriptions
