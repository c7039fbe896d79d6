"""The generated-course cache: reused only for the same solution, never half-used, same grades either way."""
from __future__ import annotations

import shutil

import pytest

from grader import course
from grader.check import grade
from grader.paths import SOLUTIONS_DIR, solution_notebook

CHAPTER = "00_start_here"


@pytest.fixture
def solutions_copy(tmp_path, monkeypatch):
    """A private copy of solutions/ and an empty cache, so the test can change both freely."""
    copy = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS_DIR / CHAPTER, copy / CHAPTER)
    monkeypatch.setattr(course, "SOLUTIONS_DIR", copy)
    monkeypatch.setenv("DLCOURSE_GRADER_CACHE", str(tmp_path / "cache"))
    return copy


def test_the_key_follows_every_file_of_the_solution(solutions_copy):
    before = course.generation_key(CHAPTER, keep_check_cell=False)
    assert before == course.generation_key(CHAPTER, keep_check_cell=False)
    assert before != course.generation_key(CHAPTER, keep_check_cell=True)
    (solutions_copy / CHAPTER / "extra_data.csv").write_text("x\n1\n")
    assert course.generation_key(CHAPTER, keep_check_cell=False) != before


@pytest.mark.notebook
def test_a_cached_course_grades_like_a_fresh_one(solutions_copy, tmp_path):
    learner = tmp_path / f"{CHAPTER}.ipynb"
    shutil.copy(solution_notebook(CHAPTER), learner)
    fresh = grade(learner)
    entries = list(course.cache_dir().iterdir())
    assert [e.name for e in entries] == [course.generation_key(CHAPTER, keep_check_cell=False)]
    assert all((entries[0] / name).exists() for name in course.GENERATED)

    cached = grade(learner)
    assert [(t.name, t.score, t.status) for t in cached.tests] == [(t.name, t.score, t.status) for t in fresh.tests]
    assert cached.score == cached.max_score == fresh.score > 0

    # An entry that lost a part (a run killed while copying, a cleaned folder) is generated afresh.
    (entries[0] / "gradebook.db").unlink()
    assert grade(learner).score == fresh.score
    assert (entries[0] / "gradebook.db").exists(), "the incomplete entry should have been stored again"
