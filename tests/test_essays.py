"""Every hand-graded essay in every solution notebook tells its grader how to grade it.

An essay is an nbgrader manually graded answer cell (markdown, grade and solution both true). Its
solution region, which only the solution and the instructor's source hold, must carry a part headed
**Rubric** (points per criterion, what half credit looks like) and a part headed **Model answer**
(an answer that would earn full marks), so that two graders reach the same score.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from grader.paths import SOLUTIONS_DIR

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
RUBRIC = re.compile(r"^\*\*Rubric\b", re.M)
MODEL_ANSWER = re.compile(r"^\*\*Model answer\b", re.M)
# "Half credit: ...", "(half credit: ...)", "**Half credit** on a criterion: ...", "Half credit (0.5 each): ..."
HALF_CREDIT = re.compile(r"\b(?:half|partial) credit\b[^:\n]{0,40}:\s*\S", re.I)


def essays():
    """(notebook, grade id, solution region) for every essay cell of every solution notebook."""
    found = []
    for path in sorted(SOLUTIONS_DIR.glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
                region = SOLUTION_REGION.search(cell.source)
                found.append((path.parent.name, meta["grade_id"], region.group(1) if region else ""))
    return found


def rubric_part(region: str) -> str:
    """The region from its **Rubric heading to the **Model answer heading after it, or to its end."""
    rubric = RUBRIC.search(region)
    if not rubric:
        return ""
    model_answer = MODEL_ANSWER.search(region, rubric.end())
    return region[rubric.start():model_answer.start() if model_answer else len(region)]


ESSAYS = essays()


def test_the_course_has_essays():
    assert len({chapter for chapter, _, _ in ESSAYS}) >= 5, "the essay chapters (09 to 13 at least) were not found"


@pytest.mark.parametrize("chapter, grade_id, region", ESSAYS, ids=[f"{c}:{g}" for c, g, _ in ESSAYS])
def test_essay_has_rubric_and_model_answer(chapter, grade_id, region):
    assert region.strip(), f"{chapter} {grade_id}: the answer cell has no ### BEGIN/END SOLUTION region"
    assert RUBRIC.search(region), f"{chapter} {grade_id}: no part headed **Rubric** in the solution region"
    assert MODEL_ANSWER.search(region), f"{chapter} {grade_id}: no part headed **Model answer** in the solution region"
    rubric_points = sum(int(p) for p in re.findall(r"^\s*-\s*(\d+)\s*(?:point|pt)", region, re.M))
    assert rubric_points > 0, f"{chapter} {grade_id}: the rubric gives no points per criterion ('- 1 point: ...')"
    assert HALF_CREDIT.search(rubric_part(region)), \
        f"{chapter} {grade_id}: the rubric does not say what half credit looks like ('Half credit: ...')"


def test_a_cell_without_a_model_answer_fails():
    region = "\n**Rubric (2 points).**\n- 1 point: a.\n- 1 point: b.\n"
    assert RUBRIC.search(region) and not MODEL_ANSWER.search(region)


def test_a_rubric_without_half_credit_fails():
    without = "\n**Rubric (2 points).**\n- 1 point: a.\n- 1 point: b.\n\n**Model answer.** Half credit: not here.\n"
    with_it = "\n**Model answer.** x.\n\n**Rubric (2 points).**\n- 1 point: a. Half credit: a named, not used.\n"
    assert not HALF_CREDIT.search(rubric_part(without))
    assert HALF_CREDIT.search(rubric_part(with_it))
