"""What a notebook cell is to the grader, read from its nbgrader metadata in one place.

nbgrader's own predicates (``nbgrader.utils``) decide what is a grade cell,
a solution and a locked cell; the few questions they do not answer are here
too, so no other module reads ``cell.metadata["nbgrader"]`` itself.
"""
from __future__ import annotations

from nbformat import NotebookNode
from nbgrader import utils

from grader.paths import CHECK_CELL_ID


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def has_nbgrader_meta(cell: NotebookNode) -> bool:
    return "nbgrader" in cell.get("metadata", {})


def is_graded(cell: NotebookNode) -> bool:
    """Any cell nbgrader scores: a test, an answer graded by hand, a written answer."""
    return has_nbgrader_meta(cell) and bool(utils.is_grade(cell))


def is_solution(cell: NotebookNode) -> bool:
    return has_nbgrader_meta(cell) and bool(utils.is_solution(cell))


def is_test(cell: NotebookNode) -> bool:
    """An autograder test: a graded code cell that is not the learner's answer."""
    return cell.cell_type == "code" and is_graded(cell) and not is_solution(cell)


def is_locked_code(cell: NotebookNode) -> bool:
    """A code cell the learner may not edit, as the file itself states it.

    ``nbgrader.utils.is_locked`` also counts every non-solution grade cell as
    locked; here the file's own ``locked`` flag decides, so that a learner's
    cell claiming to be a test is still read as the learner's code.
    """
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("locked")) and not is_solution(cell)


def is_check_cell(cell: NotebookNode) -> bool:
    """The *Check your work* cell, which the grader drops before running a notebook."""
    return cell.get("id") == CHECK_CELL_ID or grade_id(cell) == CHECK_CELL_ID


def label(cell: NotebookNode, index: int) -> str:
    """How reports name a cell: its grade_id, else its position (1-based)."""
    name = grade_id(cell)
    return f"cell '{name}'" if name else f"cell {index + 1}"
