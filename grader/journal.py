"""What ``classroom autograde`` has recorded, so that an interrupted batch resumes.

One JSON line is appended per recorded submission: who, which assignment, a
digest of what was graded (the submission's files and the assignment's
source) and the outcome. A later run skips a submission whose digest is
unchanged and which the gradebook still holds (unless ``--force``). Appending
one line at a time keeps every line written before a Ctrl-C or a crash; a
torn last line is ignored.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from grader.classroom_worker import STATE_DIR
from grader.outcomes import Outcome

JOURNAL = "graded.jsonl"
_SKIPPED = {".ipynb_checkpoints", "__pycache__"}


def folder_digest(folder: Path, digest=None):
    """sha256 over every file's relative path and bytes (links by their target)."""
    digest = digest or hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if _SKIPPED & set(path.relative_to(folder).parts) or path.is_dir():
            continue
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
        digest.update(b"\0")
    return digest


def submission_digest(course: Path, student: str, assignment: str) -> str:
    digest = folder_digest(course / "source" / assignment)
    digest.update(b"--submission--")
    return folder_digest(course / "submitted" / student / assignment, digest).hexdigest()


class Journal:
    def __init__(self, course: Path):
        self.path = course / STATE_DIR / JOURNAL

    def entries(self) -> dict[tuple[str, str], dict]:
        """(student, assignment) -> its latest entry."""
        found: dict[tuple[str, str], dict] = {}
        if not self.path.is_file():
            return found
        for line in self.path.read_text().splitlines():
            try:
                entry = json.loads(line)
                found[(entry["outcome"]["student"], entry["outcome"]["assignment"])] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash
        return found

    def append(self, outcome: Outcome, digest: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"digest": digest, "outcome": asdict(outcome)}) + "\n"
        with open(self.path, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
