"""What the classroom tests share: a sandboxed course and a class of submissions in it."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader import classroom


def sandboxed_course(root: Path, chapters: list[str]) -> Path:
    """A new course at root/course; the test fails (never skips) where the sandbox cannot run."""
    from grader.sandbox import availability_problem

    problem = availability_problem()
    if problem:
        pytest.fail(f"this test grades in the classroom sandbox: {problem}. "
                    "On Debian/Ubuntu: apt-get install bubblewrap (util-linux provides prlimit and setpriv).")
    course = root / "course"
    classroom.init(course, chapters)
    return course


def submit(course: Path, chapter: str, students) -> None:
    """Put each student's files where `nbgrader collect` would: submitted/NAME/CHAPTER/."""
    for student in students:
        folder = course / "submitted" / student.name / chapter
        folder.mkdir(parents=True)
        for name, content in student.files.items():
            (folder / name).write_bytes(content)
