"""The rubric and model answer beside each essay, for graders only.

A hand-graded answer's solution region in ``solutions/`` holds its **Rubric**
and **Model answer**; the release replaces it with the learner's blank.
``ShowGraderNotes`` (classroom autograde) copies that region from the
course's ``source/`` into a locked cell right after each learner's answer in
the autograded notebook, which is what formgrader shows the grader.
``DropGraderNotes`` (feedback) removes those cells again, so learners never
see them: not in the release, not in feedback.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool, Unicode

from grader.cells import grade_id, is_graded, is_solution, nbgrader_meta

NOTE_KEY = "grader_note"  # in cell.metadata["dlcourse"]: the grade id the note belongs to
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def is_grader_note(cell: NotebookNode) -> bool:
    return NOTE_KEY in cell.get("metadata", {}).get("dlcourse", {})


def is_hand_graded_answer(cell: NotebookNode) -> bool:
    return is_graded(cell) and is_solution(cell)


def solution_region(source: str) -> str:
    """The text between the solution delimiters ("" if there are none)."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not starts or not ends or ends[-1] <= starts[0]:
        return ""
    return "\n".join(lines[starts[0] + 1:ends[-1]]).strip()


def grader_note(cell: NotebookNode, region: str) -> NotebookNode:
    points = nbgrader_meta(cell).get("points", 0)
    header = (f"> **For graders only: rubric and model answer for `{grade_id(cell)}` ({points:g} points).** "
              "Inserted by the autograder; never released, never in feedback.")
    note = nbformat.v4.new_markdown_cell(f"{header}\n\n{region}")
    note.metadata["dlcourse"] = {NOTE_KEY: grade_id(cell)}
    note.metadata["editable"] = False
    note.metadata["deletable"] = False
    return note


class ShowGraderNotes(Preprocessor):
    """After each hand-graded answer, a cell with its rubric and model answer from the source."""

    enabled = Bool(True)
    source_dir = Unicode("", help="The course's source/ folder.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources.get("nbgrader", {})
        path = Path(self.source_dir) / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        # A learner could forge a note cell; only the ones made here survive.
        nb.cells = [cell for cell in nb.cells if not is_grader_note(cell)]
        if not self.source_dir or not path.is_file():
            return nb, resources
        source = nbformat.read(path, as_version=4)
        regions = {grade_id(cell): solution_region(cell.source)
                   for cell in source.cells if is_hand_graded_answer(cell)}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            region = regions.get(grade_id(cell)) if is_hand_graded_answer(cell) else None
            if region:
                cells.append(grader_note(cell, region))
        nb.cells = cells
        return nb, resources


class DropGraderNotes(Preprocessor):
    """Feedback is built from the autograded notebook: take the graders' notes out of it."""

    enabled = Bool(True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        nb.cells = [cell for cell in nb.cells if not is_grader_note(cell)]
        return nb, resources
