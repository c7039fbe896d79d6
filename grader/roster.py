"""Students from a CSV roster: nbgrader's gradebook and real Unix accounts for the hub.

``python -m grader classroom roster COURSE ROSTER.csv`` reads the columns of
``nbgrader db student import`` (``id`` required; ``first_name``,
``last_name``, ``email`` optional). For each student it adds or updates the
gradebook entry and, when the account does not exist yet, creates a Unix
account (home folder readable by its owner only) in the course's student group,
which the hub lets in, with a random initial password. That password is
printed once and stored nowhere; the student changes it with ``passwd`` in a
JupyterLab terminal. Existing accounts keep their password.
"""
from __future__ import annotations

import csv
import grp
import pwd
import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ClassroomError

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")  # `nbgrader db student import`'s columns
# Debian's useradd accepts more, but a name that is also a safe path component and
# nbgrader student id (no '+': the exchange splits submission names on it) avoids surprises.
USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
HOME_MODE = 0o700  # students cannot list or read each other's homes (and fetched assignments)


@dataclass
class Student:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclass
class Account:
    username: str
    password: str | None  # None: the account existed, its password is unchanged


def read_roster(path: Path) -> list[Student]:
    """Students from the CSV; a bad row stops everything before anything is written."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ClassroomError(f"cannot read the roster {path}: {error}") from None
    if not rows or "id" not in rows[0]:
        raise ClassroomError(f"{path} needs a header row with an 'id' column (and optionally "
                             f"{', '.join(ROSTER_COLUMNS[1:])})")
    students, seen = [], set()
    for number, row in enumerate(rows, start=2):
        student_id = (row.get("id") or "").strip()
        if not USERNAME.match(student_id):
            raise ClassroomError(f"{path}:{number}: {student_id!r} is not a usable account name "
                                 "(lower-case letters, digits, '_' and '-', at most 32, not starting with a digit)")
        if student_id in seen:
            raise ClassroomError(f"{path}:{number}: {student_id} appears twice")
        seen.add(student_id)
        students.append(Student(student_id, *((row.get(column) or "").strip() for column in ROSTER_COLUMNS[1:])))
    return students


def students_group(course: Path) -> str:
    """The Unix group of this course's students; the hub admits its members."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", course.resolve().name.lower()).strip("-") or "course"
    return f"students-{slug}"[:32]


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        subprocess.run(["groupadd", name], check=True, capture_output=True)


def account_exists(username: str) -> bool:
    try:
        pwd.getpwnam(username)
    except KeyError:
        return False
    return True


def create_account(username: str, group: str | None = None) -> Account:
    """A Unix account with a private home and a random password; an existing one is only added to `group`."""
    if account_exists(username):
        if group:
            subprocess.run(["usermod", "-a", "-G", group, username], check=True, capture_output=True)
        return Account(username, None)
    command = ["useradd", "--create-home", "--shell", "/bin/bash"] + (["--groups", group] if group else [])
    _run(command + [username], f"cannot create the account {username}")
    home = Path(pwd.getpwnam(username).pw_dir)
    home.chmod(HOME_MODE)
    password = secrets.token_urlsafe(12)
    _run(["chpasswd"], f"cannot set the password of {username}", stdin=f"{username}:{password}\n")
    return Account(username, password)


def remove_account(username: str) -> None:
    """Delete the account and its home (used by tests and to undo a wrong roster line)."""
    if account_exists(username):
        subprocess.run(["userdel", "--remove", username], capture_output=True)


def add_students(course: Path, roster: Path) -> list[Account]:
    """Gradebook entries and accounts for every student of the roster; returns the accounts."""
    from nbgrader.api import Gradebook

    from grader.config import COURSE_ID
    from grader.gradebook import GRADEBOOK, db_url, gradebook_problem

    course = course.resolve()
    problem = gradebook_problem(course / GRADEBOOK)
    if problem:
        raise ClassroomError(problem)
    students = read_roster(roster)
    group = students_group(course)
    ensure_group(group)
    with Gradebook(db_url(course), COURSE_ID) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student.id, first_name=student.first_name or None,
                                               last_name=student.last_name or None, email=student.email or None)
    return [create_account(student.id, group) for student in students]


def password_table(accounts: list[Account]) -> str:
    """What `roster` prints: every new password, once."""
    width = max([len(a.username) for a in accounts] + [8])
    lines = [f"{'account':<{width}}  initial password (shown once, stored nowhere)"]
    for account in accounts:
        lines.append(f"{account.username:<{width}}  {account.password or '(account existed: password unchanged)'}")
    return "\n".join(lines)


def _run(command: list[str], failure: str, stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise ClassroomError(f"{failure}: {(result.stderr or result.stdout).strip().splitlines()[-1:]}")
