"""A classroom's gradebook: its integrity, backups, restore, and what the grader reads from it.

Grades, students and assignments are read and written through nbgrader's
``Gradebook`` API only. Two things are done on the SQLite file itself, because
the API cannot do them without changing the file: the read-only integrity
check before anything is written (opening a ``Gradebook`` creates missing
tables and runs migrations), and consistent backups (SQLite's online backup).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import warnings
from pathlib import Path

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from grader.errors import ClassroomError

GRADEBOOK = "gradebook.db"
BACKUPS = "backups"
KEEP_BACKUPS = 20
_NBGRADER_TABLES = {"assignment", "notebook", "grade_cells", "student", "submitted_assignment", "grade"}


def db_url(course: Path) -> str:
    # Several workers write to the gradebook; wait for a lock instead of failing.
    return f"sqlite:///{course / GRADEBOOK}?timeout=120"


# -- the file: integrity, backups, restore ----------------------------------------------------------

def gradebook_problem(path: Path) -> str | None:
    """None if the gradebook opens and looks like nbgrader's; otherwise why not. Reads only."""
    if not path.is_file():
        return f"{path} does not exist (run `python -m grader classroom init` first)"
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
        if header != b"SQLite format 3\x00":
            return f"{path.name} is not an SQLite database"
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                return f"{path.name} failed SQLite's integrity check: {check[0][0][:120]}"
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            missing = _NBGRADER_TABLES - tables
            if missing:
                return f"{path.name} is missing nbgrader's table(s) {', '.join(sorted(missing))}"
            connection.execute("SELECT count(*) FROM grade").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return f"{path.name} cannot be read: {error}"
    return None


def backup_gradebook(course: Path) -> Path:
    """Copy the gradebook to backups/ (a consistent SQLite snapshot); keep the newest KEEP_BACKUPS."""
    source = course / GRADEBOOK
    folder = course / BACKUPS
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"gradebook-{stamp}.db"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=120) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    for old in backups(course)[KEEP_BACKUPS:]:
        old.unlink()
    return target


def backups(course: Path) -> list[Path]:
    """Backups, newest first."""
    return sorted((course / BACKUPS).glob("gradebook-*.db"), key=lambda p: p.name, reverse=True)


def restore(course: Path, backup: str | None = None) -> tuple[Path, Path | None]:
    """Put a backup back as the gradebook; the current file is kept beside the backups first.

    Returns (the backup restored, where the replaced gradebook was saved).
    """
    course = course.resolve()
    candidates = backups(course)
    if backup:
        chosen = Path(backup)
        if not chosen.is_absolute():
            chosen = course / BACKUPS / backup
        if not chosen.is_file():
            available = ", ".join(p.name for p in candidates[:5]) or "none"
            raise ClassroomError(f"no backup {backup!r}; available: {available}")
        problem = gradebook_problem(chosen)
        if problem:
            raise ClassroomError(f"that backup is not usable either: {problem}")
    else:
        chosen = next((p for p in candidates if gradebook_problem(p) is None), None)
        if chosen is None:
            raise ClassroomError(f"no usable backup in {course / BACKUPS}")
    current = course / GRADEBOOK
    saved = None
    if current.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        saved = course / BACKUPS / f"replaced-{stamp}.db"
        shutil.copy2(current, saved)
    temporary = course / f".{GRADEBOOK}.restoring"
    shutil.copy2(chosen, temporary)
    os.replace(temporary, current)
    for suffix in ("-journal", "-wal", "-shm"):
        stale = course / f"{GRADEBOOK}{suffix}"
        if stale.exists():
            stale.unlink()
    return chosen, saved


# -- what the grader reads and writes, through nbgrader's API -----------------------------------------

def assignment_names(url: str, course_id: str) -> list[str]:
    with Gradebook(url, course_id) as gradebook:
        return sorted(assignment.name for assignment in gradebook.assignments)


def student_ids(url: str, course_id: str) -> list[str]:
    with Gradebook(url, course_id) as gradebook:
        return [student.id for student in gradebook.students]


def notebook_names(url: str, course_id: str, assignment: str) -> list[str]:
    with Gradebook(url, course_id) as gradebook:
        return [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]


def submission_score(url: str, course_id: str, assignment: str, student: str) -> tuple[float, float]:
    """(score, max score) of a submission; (0, the assignment's max) if it has none."""
    with Gradebook(url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
            return float(submission.score), float(submission.max_score)
        except Exception:
            return 0.0, float(gradebook.find_assignment(assignment).max_score)


def graded_scores(url: str, course_id: str, jobs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """(score, max score) of each (student, assignment) in ``jobs`` that has a submission in the gradebook.

    One gradebook session for all of them: opening one costs about 15 ms, which a class of 9,000
    submissions would pay twice per submission on every resumed run.
    """
    scores = {}
    with Gradebook(url, course_id) as gradebook:
        for student, assignment in jobs:
            try:
                submission = gradebook.find_submission(assignment, student)
            except Exception:  # nbgrader's MissingEntry: never graded, or removed since
                continue
            scores[(student, assignment)] = (float(submission.score), float(submission.max_score))
    return scores


def record_zero(url: str, course_id: str, assignment: str, student: str) -> None:
    """Zero the auto scores of a submission nbgrader could not grade; manual scores are kept."""
    with Gradebook(url, course_id) as gradebook:
        gradebook.update_or_create_student(student)
        submission = gradebook.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = grade.manual_score is not None
        gradebook.db.commit()


# -- moving one submission's automatic grades between gradebooks (grading on a cluster) ----------------

def export_submission(url: str, course_id: str, assignment: str, student: str) -> dict | None:
    """What autograding wrote for one submission, as plain data; None if it has no submission.

    A cluster worker grades into a gradebook of its own and sends this back; the
    coordinator applies it to the course's gradebook with ``import_submission``.
    Only automatic fields travel: manual scores and flags belong to the course.
    """
    with Gradebook(url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except Exception:
            return None
        return {
            "assignment": assignment,
            "student": student,
            "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
            "notebooks": {
                notebook.name: {
                    "late_submission_penalty": notebook.late_submission_penalty,
                    "grades": {grade.name: grade.auto_score for grade in notebook.grades},
                    "comments": {comment.name: comment.auto_comment for comment in notebook.comments},
                }
                for notebook in submission.notebooks
            },
        }


def import_submission(url: str, course_id: str, record: dict) -> None:
    """Write an exported submission's automatic grades into this gradebook, in one transaction.

    Applying the same record twice leaves the same rows (nbgrader's
    update-or-create), so a retried task cannot record a submission twice.
    Manual scores already given are kept, and such grades are marked for
    review, as nbgrader's own SaveAutoGrades does.
    """
    extra = {"timestamp": record["timestamp"]} if record.get("timestamp") else {}
    with Gradebook(url, course_id) as gradebook, warnings.catch_warnings():
        # nbgrader's create path trips SQLAlchemy's autoflush warning; the rows are created all the same.
        warnings.simplefilter("ignore", SAWarning)
        gradebook.update_or_create_student(record["student"])
        submission = gradebook.update_or_create_submission(record["assignment"], record["student"], **extra)
        for notebook in submission.notebooks:
            sent = record["notebooks"].get(notebook.name)
            if sent is None:
                continue
            notebook.late_submission_penalty = sent["late_submission_penalty"]
            for grade in notebook.grades:
                grade.auto_score = sent["grades"].get(grade.name)
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            for comment in notebook.comments:
                comment.auto_comment = sent["comments"].get(comment.name)
        gradebook.db.commit()
