"""Classroom mode: a standard nbgrader course, graded in parallel inside a sandbox.

``python -m grader classroom init DIR`` builds the course; from then on the
instructor uses nbgrader's own commands and formgrader, with our hardened
configuration in ``DIR/nbgrader_config.py``. ``python -m grader classroom
autograde DIR`` grades every submission: it checks and backs up the gradebook
first, runs one worker process per submission (``--workers`` at a time), each
student's kernel in the sandbox (``grader.sandbox``), then writes feedback
without hidden tests and prints a student x assignment table with a reason for
every zero. ``python -m grader classroom restore DIR`` puts a backup back.
See grader/README.md for a whole term.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from grader.errors import UngradableError
from grader.paths import CHECK_CELL_ID, REPO_ROOT, SOLUTIONS_DIR, chapter_names

GRADEBOOK = "gradebook.db"
BACKUPS = "backups"
KEEP_BACKUPS = 20
STATE_DIR = ".grader"  # logs, reports and caches of our own, beside nbgrader's folders


class ClassroomError(Exception):
    """A one-line reason the command cannot go on; nothing was written."""


# -- init --------------------------------------------------------------------------------------------

CONFIG_TEMPLATE = '''\
# nbgrader configuration written by `python -m grader classroom init`.
# It applies the course's hardened settings (grader/config.py) to every nbgrader
# command run in this folder: autograde runs kernels in the sandbox when
# bubblewrap is available, feedback never shows hidden tests.
import sys
from pathlib import Path

sys.path.insert(0, {repo!r})  # the course repository: grader/ and dlcourse/

from grader.classroom import configure  # noqa: E402

configure(get_config(), Path(__file__).resolve().parent)  # noqa: F821
'''


def configure(c, root: Path, *, sandbox: dict | None = None, sandbox_required: bool = False) -> None:
    """Fill an nbgrader Config for the course at ``root`` (used by nbgrader_config.py and by us)."""
    from grader.config import hardened_config
    from grader.sandbox import availability_problem

    if sandbox is None:
        problem = availability_problem()
        if problem and sandbox_required:
            raise ClassroomError(problem)
        if problem:
            logging.getLogger("grader").warning("autograde runs WITHOUT a sandbox: %s", problem)
        sandbox = {} if problem else {"slot": 0, "mpl_cache": _matplotlib_cache(root)}
    c.merge(hardened_config(root, sandbox=sandbox))
    # Several workers write to the gradebook; wait for a lock instead of failing.
    c.CourseDirectory.db_url = f"sqlite:///{root / GRADEBOOK}?timeout=120"
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "grader.preprocessors.HideHiddenTests",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]


def init(course: Path, chapters: list[str] | None = None) -> list[str]:
    """Create the course folder; return the assignments created."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader.course import copy_chapter_files, with_venv_on_path

    course = course.resolve()
    if course.exists() and any(course.iterdir()):
        raise ClassroomError(f"{course} exists and is not empty; give a new folder")
    chapters = chapters or chapter_names()
    unknown = sorted(set(chapters) - set(chapter_names()))
    if unknown:
        raise ClassroomError(f"unknown chapter(s): {', '.join(unknown)}")
    with_venv_on_path()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG_TEMPLATE.format(repo=str(REPO_ROOT)))
    for chapter in chapters:
        copy_chapter_files(SOLUTIONS_DIR / chapter, course / "source" / chapter)
    c = Config()
    configure(c, course, sandbox={})
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    api.log.setLevel(logging.ERROR)
    for chapter in chapters:
        result = api.generate_assignment(chapter, force=True, create=True)
        if not result["success"]:
            raise ClassroomError(f"nbgrader generate_assignment failed for {chapter}: "
                                 f"{_last_line(result.get('error') or result.get('log'))}")
    for folder in ("submitted", BACKUPS):
        (course / folder).mkdir(exist_ok=True)
    return chapters


# -- the gradebook: integrity, backups, restore ----------------------------------------------------------

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
            missing = {"assignment", "notebook", "grade_cells", "student", "submitted_assignment", "grade"} - tables
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


# -- autograde -----------------------------------------------------------------------------------------

@dataclass
class Outcome:
    student: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"  # graded | failed | unreadable | missing
    reason: str = ""  # why the score is what it is, when it is not full marks
    tests: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # kernel deaths, time limits, slow cells
    seconds: float = 0.0


def submissions(course: Path, assignment: str | None = None,
                students: list[str] | None = None) -> list[tuple[str, str]]:
    """(student, assignment) for every folder under submitted/."""
    found = []
    root = course / "submitted"
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        if students and student_dir.name not in students:
            continue
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignment is None or assignment_dir.name == assignment:
                found.append((student_dir.name, assignment_dir.name))
    return found


def autograde(course: Path, *, assignment: str | None = None, students: list[str] | None = None,
              workers: int = 2, sandbox: bool = True,
              memory: int | None = None, cell_timeout: int | None = None, notebook_timeout: int | None = None,
              feedback: bool = True, log=print) -> list[Outcome]:
    """Grade every submission; never stops at one failure. Raises ClassroomError before writing anything."""
    from grader.sandbox import availability_problem

    course = course.resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise ClassroomError(f"{course} is not a course folder (no nbgrader_config.py); "
                             "create one with `python -m grader classroom init DIR`")
    problem = gradebook_problem(course / GRADEBOOK)
    if problem:
        raise ClassroomError(f"{problem}; nothing was written. Restore the latest backup with: "
                             f"python -m grader classroom restore {course}")
    if sandbox:
        problem = availability_problem()
        if problem:
            raise ClassroomError(f"cannot sandbox student code: {problem}")
    known = set(_assignments(course))
    if assignment is not None and assignment not in known:
        raise ClassroomError(f"no assignment {assignment!r} in the gradebook; known: {', '.join(sorted(known))}")
    jobs = submissions(course, assignment, students)
    backup = backup_gradebook(course)
    log(f"Backed up the gradebook to {backup.relative_to(course)}")
    state = course / STATE_DIR
    (state / "logs").mkdir(parents=True, exist_ok=True)
    mpl_cache = _matplotlib_cache(course) if sandbox else None
    options = {"sandbox": sandbox, "memory": memory, "cell_timeout": cell_timeout,
               "notebook_timeout": notebook_timeout, "mpl_cache": mpl_cache}
    slots = _Slots(max(1, workers))
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    started = time.monotonic()

    def run(job: tuple[str, str]) -> Outcome:
        student, assignment_id = job
        with slots.take() as slot:
            if assignment_id not in known:
                outcome = Outcome(student, assignment_id, status="failed",
                                  reason=f"not an assignment of this course (known: {', '.join(sorted(known))})")
            else:
                outcome = _grade_in_worker(course, student, assignment_id, slot, options)
        with lock:
            outcomes.append(outcome)
            done = len(outcomes)
        log(f"[{done}/{len(jobs)}] {student} {assignment_id}: "
            f"{outcome.score:g}/{outcome.max_score:g} ({outcome.seconds:.0f} s)"
            + (f" - {outcome.reason}" if outcome.reason and outcome.score < outcome.max_score else ""))
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(run, jobs))
    elapsed = time.monotonic() - started
    outcomes.sort(key=lambda o: (o.student, o.assignment))
    if feedback:
        _feedback(course, outcomes, log)
    report = state / f"autograde-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    report.write_text(json.dumps({"seconds": elapsed, "workers": workers, "sandbox": sandbox,
                                  "outcomes": [asdict(o) for o in outcomes]}, indent=1))
    log(f"Graded {len(outcomes)} submission(s) in {elapsed:.0f} s with {workers} worker(s); report: "
        f"{report.relative_to(course)}")
    return outcomes


class _Slots:
    """Worker slot numbers: each slot's kernels run under their own uid in the sandbox."""

    def __init__(self, count: int):
        self._free = list(range(count))
        self._lock = threading.Condition()

    def take(self):
        slots = self

        class _Held:
            def __enter__(self_inner):
                with slots._lock:
                    while not slots._free:
                        slots._lock.wait()
                    self_inner.slot = slots._free.pop(0)
                return self_inner.slot

            def __exit__(self_inner, *exc):
                with slots._lock:
                    slots._free.append(self_inner.slot)
                    slots._lock.notify()

        return _Held()


def _grade_in_worker(course: Path, student: str, assignment: str, slot: int, options: dict) -> Outcome:
    """Run one submission in a child process, so nothing it does can stop the batch."""
    from grader.config import NOTEBOOK_TIMEOUT_S

    started = time.monotonic()
    log_path = course / STATE_DIR / "logs" / f"{assignment}--{student}.log"
    request = dict(options, course=str(course), student=student, assignment=assignment, slot=slot)
    limit = (options.get("notebook_timeout") or NOTEBOOK_TIMEOUT_S) * 2 + 300
    command = [sys.executable, "-m", "grader.classroom", json.dumps(request)]
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
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def grade_one(request: dict) -> Outcome:
    """In the worker process: autograde one (student, assignment) with nbgrader."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader.check import build_report
    from grader.config import CELL_TIMEOUT_S, NOTEBOOK_TIMEOUT_S
    from grader.course import with_venv_on_path
    from grader.notebooks import read_notebook
    from grader.preprocessors import CaptureResult
    from grader.scan import review_notes
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
    c.HardenedExecute.notebook_timeout = request.get("notebook_timeout") or NOTEBOOK_TIMEOUT_S
    # What the kernel (and the sandbox around it) writes to stderr, for the instructor.
    c.HardenedExecute.kernel_log = str(course / STATE_DIR / "logs" / f"{assignment}--{student}.kernel.log")
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    api.log.setLevel(logging.ERROR)
    expected = _notebooks_of(c, assignment)
    folder = course / "submitted" / student / assignment
    problems = {}
    for notebook in expected:
        path = folder / f"{notebook}.ipynb"
        if not path.exists():
            renamed = _renamed_notebook(folder, notebook, expected)
            if renamed is None:
                problems[notebook] = f"no {notebook}.ipynb in the submission"
                continue
            shutil.copy2(renamed, path)
            outcome.notes.append(f"graded {renamed.name} as {notebook}.ipynb (it was renamed)")
        try:
            read_notebook(path)
        except UngradableError as error:
            problems[notebook] = str(error)
    course_id = c.CourseDirectory.course_id
    if problems:
        _record_zero(c.CourseDirectory.db_url, course_id, assignment, student)
        outcome.status = "unreadable"
        outcome.reason = "; ".join(problems.values())
    else:
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            outcome.status = "failed"
            outcome.reason = "nbgrader could not grade it: " + _last_line(result.get("error") or result.get("log"))
            _record_zero(c.CourseDirectory.db_url, course_id, assignment, student)
        for notebook in expected:
            captured = CaptureResult.pop(assignment, student, notebook)
            if captured is None:
                continue
            report = build_report(captured[0], notebook, notebook, captured[1])
            outcome.tests += [asdict(test) for test in report.tests]
            outcome.notes += report.notes
            outcome.events += report.events
            outcome.notes += review_notes(nbformat.read(folder / f"{notebook}.ipynb", as_version=4))
    with Gradebook(c.CourseDirectory.db_url, c.CourseDirectory.course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
            outcome.score, outcome.max_score = float(submission.score), float(submission.max_score)
        except Exception:
            outcome.max_score = float(gradebook.find_assignment(assignment).max_score)
    if not outcome.reason and outcome.score < outcome.max_score:
        failing = [t for t in outcome.tests if t["score"] < t["max_score"] and t["status"] != "manual"]
        manual = [t for t in outcome.tests if t["status"] == "manual"]
        if failing:
            outcome.reason = f"{failing[0]['name']}: {failing[0]['message']}"
        elif manual:
            outcome.reason = f"{len(manual)} written answer(s) to grade in formgrader"
    return outcome


def _notebooks_of(c, assignment: str) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(c.CourseDirectory.db_url, c.CourseDirectory.course_id) as gradebook:
        return [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]


def _renamed_notebook(folder: Path, notebook: str, expected: list[str]) -> Path | None:
    """The one other .ipynb in the folder, if there is exactly one: a renamed copy."""
    others = [p for p in folder.glob("*.ipynb") if p.stem not in expected]
    return others[0] if len(others) == 1 else None


def _record_zero(db_url: str, course_id: str, assignment: str, student: str) -> None:
    """Zero the auto scores of a submission nbgrader could not grade; manual scores are kept."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        gradebook.update_or_create_student(student)
        submission = gradebook.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = grade.manual_score is not None
        gradebook.db.commit()


def _assignments(course: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{course / GRADEBOOK}?mode=ro", uri=True, timeout=60)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM assignment ORDER BY name")]
    finally:
        connection.close()


def _feedback(course: Path, outcomes: list[Outcome], log) -> None:
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    c = Config()
    configure(c, course, sandbox={})
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    api.log.setLevel(logging.ERROR)
    for outcome in outcomes:
        if outcome.status != "graded":
            continue
        try:
            result = api.generate_feedback(outcome.assignment, outcome.student, force=True)
        except Exception as error:  # feedback is a convenience; grades are already saved
            result = {"success": False, "error": str(error)}
        if not result["success"]:
            outcome.notes.append("feedback not generated: " + _last_line(result.get("error") or result.get("log")))
    log("Feedback (without hidden tests) is in feedback/; `nbgrader release_feedback` sends it.")


def _matplotlib_cache(course: Path) -> str | None:
    from grader.sandbox import prepare_matplotlib_cache

    return prepare_matplotlib_cache(course / STATE_DIR / "matplotlib")


def _last_line(text: str | None) -> str:
    from grader.course import nbgrader_error

    return nbgrader_error(text)


# -- the table ----------------------------------------------------------------------------------------

def table(outcomes: list[Outcome], course: Path) -> str:
    """Students down, assignments across; then one line per zero (or failure) saying why."""
    students = sorted({o.student for o in outcomes} | set(_students(course)))
    assignments = sorted({o.assignment for o in outcomes})
    by_key = {(o.student, o.assignment): o for o in outcomes}
    width = max([len("student")] + [len(s) for s in students])
    columns = [max(len(a), 9) for a in assignments]
    lines = ["student".ljust(width) + "  " + "  ".join(a.rjust(w) for a, w in zip(assignments, columns))]
    reasons = []
    for student in students:
        cells = []
        for assignment, w in zip(assignments, columns):
            outcome = by_key.get((student, assignment))
            if outcome is None:
                cells.append("-".rjust(w))
                reasons.append(f"{student} / {assignment}: nothing submitted")
                continue
            mark = "" if outcome.status == "graded" else "!"
            cells.append(f"{outcome.score:g}/{outcome.max_score:g}{mark}".rjust(w))
            if outcome.score <= 0 or outcome.status != "graded":
                reasons.append(f"{student} / {assignment}: {outcome.reason or 'no test passed'}")
            for note in outcome.notes:
                if note.startswith("for review") or "tamper" in note:
                    reasons.append(f"{student} / {assignment}: {note}")
        lines.append(student.ljust(width) + "  " + "  ".join(cells))
    if reasons:
        lines += ["", "Zeros, failures and notes:"] + [f"  {reason}" for reason in reasons]
    return "\n".join(lines)


def _students(course: Path) -> list[str]:
    try:
        connection = sqlite3.connect(f"file:{course / GRADEBOOK}?mode=ro", uri=True, timeout=60)
        try:
            return [row[0] for row in connection.execute("SELECT id FROM student")]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return []


def _main() -> int:
    """Worker entry point: ``python -m grader.classroom REQUEST_JSON``; prints one JSON line."""
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
    sys.exit(_main())
