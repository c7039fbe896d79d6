"""Graders see each essay's rubric and model answer beside the learner's answer; learners never do.

Chapter 10 has hand-graded essays. One classroom run grades a learner who
answered them; the autograded notebook (what formgrader shows) must carry
each essay's rubric and model answer right after the answer, and neither the
release nor the feedback HTML may contain a line of them.
"""
from __future__ import annotations

import html
import re

import nbformat
import pytest
from nbconvert import HTMLExporter

from grader import classroom
from grader.cells import grade_id
from grader.grader_notes import (
    DropGraderNotes,
    ShowGraderNotes,
    grader_note,
    is_grader_note,
    is_hand_graded_answer,
    solution_region,
)
from grader.paths import chapter_notebook, solution_notebook
from tests.classroom_helpers import sandboxed_course

CHAPTER = "10_fairness_and_bias"
ANSWER = "My own answer: the aggregate and the per-department view answer different questions."


def _essays(notebook) -> dict[str, str]:
    """grade id -> the rubric and model answer, from the solution notebook."""
    return {grade_id(cell): solution_region(cell.source) for cell in notebook.cells if is_hand_graded_answer(cell)}


def _note_lines(region: str) -> list[str]:
    """Runs of eight words from a rubric's lines: long enough that a match elsewhere is no chance."""
    runs = []
    for line in region.splitlines():
        words = _plain(line).split()
        if len(words) >= 8:
            runs.append(" ".join(words[:8]))
    return runs


def test_every_essay_has_a_rubric_and_model_answer_to_show():
    essays = _essays(nbformat.read(solution_notebook(CHAPTER), as_version=4))
    assert len(essays) >= 2
    for name, region in essays.items():
        assert "Rubric" in region and "Model answer" in region, name


def test_notes_follow_each_answer_and_forged_notes_are_dropped(tmp_path):
    source = tmp_path / "source" / CHAPTER
    source.mkdir(parents=True)
    nbformat.write(nbformat.read(solution_notebook(CHAPTER), as_version=4), source / f"{CHAPTER}.ipynb")
    learner = nbformat.read(chapter_notebook(CHAPTER), as_version=4)
    forged = grader_note(next(c for c in learner.cells if is_hand_graded_answer(c)), "full marks, says the learner")
    learner.cells.insert(0, forged)
    resources = {"nbgrader": {"assignment": CHAPTER, "notebook": CHAPTER}}
    shown, _ = ShowGraderNotes(source_dir=str(tmp_path / "source")).preprocess(learner, resources)
    essays = _essays(nbformat.read(solution_notebook(CHAPTER), as_version=4))
    notes = [(i, c) for i, c in enumerate(shown.cells) if is_grader_note(c)]
    assert len(notes) == len(essays), "one note per essay, the forged one gone"
    for index, note in notes:
        answer = shown.cells[index - 1]
        assert is_hand_graded_answer(answer)
        assert essays[grade_id(answer)] in note.source
    dropped, _ = DropGraderNotes().preprocess(shown, resources)
    assert not any(is_grader_note(c) for c in dropped.cells)


@pytest.mark.notebook
def test_formgrader_copy_has_the_rubric_and_the_release_and_feedback_do_not(tmp_path):
    course = sandboxed_course(tmp_path, [CHAPTER])
    learner = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    for cell in learner.cells:
        if is_hand_graded_answer(cell):
            cell.source = ANSWER
    folder = course / "submitted" / "ada" / CHAPTER
    folder.mkdir(parents=True)
    nbformat.write(learner, folder / f"{CHAPTER}.ipynb")
    (outcome,) = classroom.autograde(course, workers=1, log=lambda line: None)
    assert outcome.status == "graded", outcome.reason

    essays = _essays(nbformat.read(solution_notebook(CHAPTER), as_version=4))
    autograded = nbformat.read(course / "autograded" / "ada" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    for index, cell in enumerate(autograded.cells):
        if is_hand_graded_answer(cell):
            assert cell.source == ANSWER
            note = autograded.cells[index + 1]
            assert is_grader_note(note) and essays[grade_id(cell)] in note.source

    lines = [run for region in essays.values() for run in _note_lines(region)]
    assert lines
    release = "\n".join(cell.source for path in (chapter_notebook(CHAPTER), course / "release" / CHAPTER /
                                                  f"{CHAPTER}.ipynb")
                        for cell in nbformat.read(path, as_version=4).cells)
    feedback = _page_text((course / "feedback" / "ada" / CHAPTER / f"{CHAPTER}.html").read_text())
    formgrader = _page_text(HTMLExporter().from_notebook_node(autograded)[0])
    assert _plain(ANSWER) in feedback, "the feedback is the learner's notebook"
    for line in lines:
        assert line in formgrader, f"the check must be able to see a rubric line in a page: {line}"
        assert line not in _plain(release), f"the release shows a rubric line: {line}"
        assert line not in feedback, f"the feedback shows a rubric line: {line}"


def _plain(text: str) -> str:
    """Only the words, lower case: the same for a Markdown source and the HTML it renders to."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _page_text(page: str) -> str:
    return _plain(html.unescape(re.sub(r"<[^>]+>", " ", page)))
