"""Classroom workers: each submission graded by nbgrader in a child process of its own.

``run_in_worker`` (in the parent) starts ``python -m grader.classroom_worker
REQUEST_JSON`` and reads one JSON line back; ``grade_one`` (in the child)
autogrades one (student, assignment) and builds its Outcome. Nothing a
submission does in its worker can stop the batch: a crash, a hang past the
limit or garbage on stdout becomes a failed Outcome with a reason.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from grader.errors import UngradableError
from grader.gradebook import notebook_names, record_zero, submission_score
from grader.outcomes import Outcome
from grader.report import NoteKind

STATE_DIR = ".grader"  # logs, reports and caches of our own, beside nbgrader's folders


class Slots:
    """Worker slot numbers: each slot's kernels run under their own uid in the sandbox."""

    def __init__(self, count: int):
        self._free = list(range(count))
        self._condition = threading.Condition()

    @contextmanager
    def take(self) -> Iterator[int]:
        with self._condition:
            while not self._free:
                self._condition.wait()
            slot = self._free.pop(0)
        try:
            yield slot
        finally:
            with self._condition:
                self._free.append(slot)
                self._condition.notify()


def run_in_worker(course: Path, student: str, assignment: str, slot: int, options: dict) -> Outcome:
    """Run one submission in a child process, so nothing it does can stop the batch."""
    from grader.config import NOTEBOOK_TIMEOUT_S

    started = time.monotonic()
    log_path = course / STATE_DIR / "logs" / f"{assignment}--{student}.log"
    request = dict(options, course=str(course), student=student, assignment=assignment, slot=slot)
    limit = (options.get("notebook_timeout") or NOTEBOOK_TIMEOUT_S) * 2 + 300
    command = [sys.executable, "-m", "grader.classroom_worker", json.dumps(request)]
    try:
        with open(log_path, "w") as log_file:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log_file, stdin=subprocess.DEVNULL,
                                       text=True, start_new_session=True, env=_worker_env())
            try:
                stdout, _ = process.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                return Outcome(student, assignment, status="failed", seconds=time.monotonic() - started,
                               reason=f"grading took longer than {limit} s and was stopped")
    except OSError as error:
        return Outcome(student, assignment, status="failed", reason=f"could not start a worker: {error}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        return Outcome(student, assignment, status="failed", seconds=time.monotonic() - started,
                       reason=f"the grading worker failed (exit {process.returncode}); "
                              f"see {log_path.relative_to(course)}")
    outcome = Outcome(**json.loads(lines[-1]))
    outcome.seconds = time.monotonic() - started
    return outcome


def _worker_env() -> dict[str, str]:
    # nbgrader runs `alembic` from PATH: the one beside this interpreter.
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def grade_one(request: dict) -> Outcome:
    """In the worker process: autograde one (student, assignment) with nbgrader."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader.classroom import configure
    from grader.config import CELL_TIMEOUT_S, NOTEBOOK_TIMEOUT_S, TEST_CELL_TIMEOUT_S
    from grader.course import nbgrader_error, with_venv_on_path
    from grader.sandbox import DEFAULT_MEMORY

    with_venv_on_path()
    course = Path(request["course"])
    student, assignment = request["student"], request["assignment"]
    outcome = Outcome(student, assignment)
    sandbox = {}
    if request["sandbox"]:
        sandbox = {"slot": request["slot"], "memory": request.get("memory") or DEFAULT_MEMORY,
                   "mpl_cache": request.get("mpl_cache")}
    c = Config()
    configure(c, course, sandbox=sandbox)
    c.Execute.timeout = request.get("cell_timeout") or CELL_TIMEOUT_S
    c.HardenedExecute.test_timeout = min(TEST_CELL_TIMEOUT_S, c.Execute.timeout)
    c.HardenedExecute.notebook_timeout = request.get("notebook_timeout") or NOTEBOOK_TIMEOUT_S
    # What the kernel (and the sandbox around it) writes to stderr, for the instructor.
    c.HardenedExecute.kernel_log = str(course / STATE_DIR / "logs" / f"{assignment}--{student}.kernel.log")
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    api.log.setLevel(logging.ERROR)
    url, course_id = c.CourseDirectory.db_url, c.CourseDirectory.course_id
    expected = notebook_names(url, course_id, assignment)
    folder = course / "submitted" / student / assignment
    problems = _check_submission(folder, expected, outcome)
    if problems:
        record_zero(url, course_id, assignment, student)
        outcome.status = "unreadable"
        outcome.reason = "; ".join(problems.values())
    else:
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            outcome.status = "failed"
            outcome.reason = "nbgrader could not grade it: " + nbgrader_error(result)
            record_zero(url, course_id, assignment, student)
        _collect_reports(outcome, folder, expected)
    outcome.score, outcome.max_score = submission_score(url, course_id, assignment, student)
    if not outcome.reason and outcome.score < outcome.max_score:
        failing = [t for t in outcome.tests if t["score"] < t["max_score"] and t["status"] != "manual"]
        manual = [t for t in outcome.tests if t["status"] == "manual"]
        if failing:
            outcome.reason = f"{failing[0]['name']}: {failing[0]['message']}"
        elif manual:
            outcome.reason = f"{len(manual)} written answer(s) to grade in formgrader"
        outcome.reason = "; ".join([outcome.reason] + outcome.notes_of({NoteKind.LIMIT.value}))
    return outcome


def _check_submission(folder: Path, expected: list[str], outcome: Outcome) -> dict[str, str]:
    """notebook -> why it cannot be graded; a lone renamed notebook is graded under its expected name."""
    from grader.notebooks import read_notebook

    problems = {}
    for notebook in expected:
        path = folder / f"{notebook}.ipynb"
        if not path.exists():
            renamed = _renamed_notebook(folder, expected)
            if renamed is None:
                problems[notebook] = f"no {notebook}.ipynb in the submission"
                continue
            shutil.copy2(renamed, path)
            outcome.add_note(NoteKind.INFO, f"graded {renamed.name} as {notebook}.ipynb (it was renamed)")
        try:
            read_notebook(path)
        except UngradableError as error:
            problems[notebook] = str(error)
    return problems


def _collect_reports(outcome: Outcome, folder: Path, expected: list[str]) -> None:
    import nbformat

    from grader.check import build_report
    from grader.preprocessors import CaptureResult
    from grader.scan import review_notes

    for notebook in expected:
        captured = CaptureResult.pop(outcome.assignment, outcome.student, notebook)
        if captured is None:
            continue
        report = build_report(captured[0], notebook, notebook, captured[1])
        outcome.tests += [asdict(test) for test in report.tests]
        outcome.notes += report.notes
        outcome.note_kinds += report.note_kinds
        outcome.events += report.events
        for note in review_notes(nbformat.read(folder / f"{notebook}.ipynb", as_version=4)):
            outcome.add_note(NoteKind.REVIEW, note)


def _renamed_notebook(folder: Path, expected: list[str]) -> Path | None:
    """The one other .ipynb in the folder, if there is exactly one: a renamed copy."""
    others = [p for p in folder.glob("*.ipynb") if p.stem not in expected]
    return others[0] if len(others) == 1 else None


def main() -> int:
    """Worker entry point: ``python -m grader.classroom_worker REQUEST_JSON``; prints one JSON line."""
    request = json.loads(sys.argv[1])
    try:
        outcome = grade_one(request)
    except Exception as error:  # reported to the parent as a failed submission, with the reason
        import traceback

        traceback.print_exc()
        outcome = Outcome(request["student"], request["assignment"], status="failed",
                          reason=f"grading failed: {type(error).__name__}: {str(error)[:160]}")
    sys.stdout.write(json.dumps(asdict(outcome)) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
