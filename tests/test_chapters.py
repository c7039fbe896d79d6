"""Every chapter through the real grader: solution full marks, release zero, half-done in between.

Each test executes its notebook once and asserts everything about that run.
"""
from __future__ import annotations

import nbformat
import pytest

from grader.check import grade
from grader.paths import chapter_names, chapter_notebook, solution_notebook
from tests.notebook_variants import half_done

CHAPTERS = chapter_names()
pytestmark = pytest.mark.notebook


def _error_cells(executed) -> list[str]:
    return [f"{cell.get('id')}: {output.ename}: {output.evalue}"[:300]
            for cell in executed.cells for output in cell.get("outputs", [])
            if output.output_type == "error"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_runs_cleanly_and_gets_full_marks(chapter):
    report = grade(solution_notebook(chapter))
    assert report.chapter == chapter
    assert report.max_score > 0, "a chapter must have graded tests"
    not_passing = [f"{t.name}: {t.status} {t.message}" for t in report.tests if t.status not in ("pass", "manual")]
    assert not not_passing, f"solution fails its own tests: {not_passing}"
    autograded_max = sum(t.max_score for t in report.tests if t.status != "manual")
    assert report.score == autograded_max
    assert not _error_cells(report.executed), f"cells raised errors: {_error_cells(report.executed)}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_unmodified_release_scores_zero(chapter):
    report = grade(chapter_notebook(chapter))
    assert report.max_score > 0
    assert report.score == 0, [t.name for t in report.tests if t.score > 0]
    assert all(t.status in ("fail", "error", "manual") for t in report.tests)
    assert all(t.message for t in report.tests if t.status in ("fail", "error")), "every failure needs a reason"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_half_done_gets_partial_credit_on_the_right_rows(chapter, tmp_path):
    learner, expected_passing = half_done(chapter)
    assert expected_passing, "the half-done notebook must be expected to pass something"
    path = tmp_path / f"{chapter}.ipynb"
    nbformat.write(learner, path)
    report = grade(path)
    passing = {t.name for t in report.tests if t.status == "pass"}
    assert passing == expected_passing
    assert 0 < report.score < report.max_score
