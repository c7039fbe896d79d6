"""Classroom mode: a standard nbgrader course, graded in parallel inside a sandbox.

``python -m grader classroom init DIR`` builds the course; from then on the
instructor uses nbgrader's own commands and formgrader, with our hardened
configuration in ``DIR/nbgrader_config.py``. ``python -m grader classroom
autograde DIR`` grades every submission: it checks and backs up the gradebook
first (``grader.gradebook``), runs one worker process per submission
(``grader.classroom_worker``, ``--workers`` at a time), each student's kernel
in the sandbox (``grader.sandbox``), then writes feedback without hidden tests
and prints a student x assignment table with a reason for every zero
(``grader.outcomes``). ``python -m grader classroom restore DIR`` puts a
backup back. See grader/README.md for a whole term.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.classroom_worker import STATE_DIR, Slots, run_in_worker
from grader.config import COURSE_ID
from grader.errors import ClassroomError
from grader.gradebook import (  # noqa: F401
    GRADEBOOK,
    assignment_names,
    backup_gradebook,
    backups,
    db_url,
    gradebook_problem,
    restore,
    student_ids,
)
from grader.outcomes import Outcome, public_dict
from grader.outcomes import table as _table
from grader.paths import SOLUTIONS_DIR, chapter_names
from grader.report import NoteKind

# -- init --------------------------------------------------------------------------------------------

CONFIG_TEMPLATE = '''\
# nbgrader configuration written by `python -m grader classroom init`.
# It applies the course's hardened settings (grader/config.py) to every nbgrader
# command run in this folder: autograde runs kernels in the sandbox when
# bubblewrap is available, feedback never shows hidden tests.
from pathlib import Path

from grader.classroom import configure  # the course package, installed in this environment

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
    c.CourseDirectory.db_url = db_url(root)
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
    (course / "nbgrader_config.py").write_text(CONFIG_TEMPLATE)
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
    for folder in ("submitted", "backups"):
        (course / folder).mkdir(exist_ok=True)
    return chapters


# -- autograde -----------------------------------------------------------------------------------------

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
    known = set(assignment_names(db_url(course), COURSE_ID))
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
    slots = Slots(max(1, workers))
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
                outcome = run_in_worker(course, student, assignment_id, slot, options)
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
                                  "outcomes": [public_dict(o) for o in outcomes]}, indent=1))
    log(f"Graded {len(outcomes)} submission(s) in {elapsed:.0f} s with {workers} worker(s); report: "
        f"{report.relative_to(course)}")
    return outcomes


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
            outcome.add_note(NoteKind.FAILURE,
                             "feedback not generated: " + _last_line(result.get("error") or result.get("log")))
    log("Feedback (without hidden tests) is in feedback/; `nbgrader release_feedback` sends it.")


def _matplotlib_cache(course: Path) -> str | None:
    from grader.sandbox import prepare_matplotlib_cache

    return prepare_matplotlib_cache(course / STATE_DIR / "matplotlib")


def _last_line(text: str | None) -> str:
    from grader.course import nbgrader_error

    return nbgrader_error(text)


def table(outcomes: list[Outcome], course: Path) -> str:
    """Students down, assignments across; then one line per zero (or failure) saying why."""
    try:
        students = student_ids(db_url(course), COURSE_ID)
    except Exception:  # a gradebook that cannot be read still gets its table of outcomes
        students = []
    return _table(outcomes, students)
