"""Classroom mode: a standard nbgrader course, graded in parallel inside a sandbox.

``python -m grader classroom init DIR`` builds the course; from then on the
instructor uses nbgrader's own commands and formgrader, with our hardened
configuration in ``DIR/nbgrader_config.py``. ``python -m grader classroom
autograde DIR`` grades every submission: it checks and backs up the gradebook
first (``grader.gradebook``), runs one worker process per submission
(``grader.classroom_worker``, ``--workers`` at a time) or sends each to a Dask
cluster (``--scheduler``, ``grader.cluster``), each student's kernel in the
sandbox (``grader.sandbox``), journals every result so an interrupted run
resumes (``grader.journal``), then writes feedback without hidden tests and
prints a student x assignment table with a reason for every zero
(``grader.outcomes``). ``python -m grader classroom restore DIR`` puts a
backup back. See grader/README.md for a whole term.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
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
    graded_scores,
    restore,
    student_ids,
    submission_score,
)
from grader.journal import Journal, submission_digest
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
    from grader.grader_notes import ShowGraderNotes
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
    # Graders see each essay's rubric and model answer in formgrader; feedback drops them again.
    c.Autograde.autograde_preprocessors = list(c.Autograde.autograde_preprocessors) + [ShowGraderNotes]
    c.ShowGraderNotes.source_dir = str(root / "source")
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "grader.preprocessors.HideHiddenTests",
        "grader.grader_notes.DropGraderNotes",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]


def init(course: Path, chapters: list[str] | None = None, language: str = "en") -> list[str]:
    """Create the course folder; return the assignments created.

    With ``language`` another edition's text is the source, so learners get
    that edition; code, tests and points are the same in every edition.
    """
    import nbformat
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader.course import copy_chapter_files, with_venv_on_path
    from grader.i18n import tr
    from grader.translations import editions, problems, translated

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
    if language != "en":
        missing = [chapter for chapter in chapters if language not in editions(chapter) or problems(chapter, language)]
        if missing:
            raise ClassroomError(f"no complete {language} edition of: {', '.join(missing)} "
                                 "(see `python -m grader.translations status`)")
    for chapter in chapters:
        copy_chapter_files(SOLUTIONS_DIR / chapter, course / "source" / chapter)
        if language != "en":
            source = course / "source" / chapter / f"{chapter}.ipynb"
            nbformat.write(translated(nbformat.read(source, as_version=4), chapter, language), source)
    c = Config()
    configure(c, course, sandbox={})
    c.ClearSolutions.text_stub = tr("YOUR ANSWER HERE", language)
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
              workers: int = 2, scheduler: str | None = None, sandbox: bool = True, force: bool = False,
              memory: int | None = None, cell_timeout: int | None = None, notebook_timeout: int | None = None,
              feedback: bool = True, log=print, progress: bool = False) -> list[Outcome]:
    """Grade every submission; never stops at one failure. Raises ClassroomError before writing anything.

    Without ``scheduler`` submissions are graded by ``workers`` local worker
    processes; with one (``tcp://HOST:PORT`` or ``local:N``) by a Dask cluster
    (``grader.cluster``). Submissions graded before and unchanged since are
    skipped unless ``force``; ``progress`` draws a bar on stderr.
    """
    from grader.sandbox import availability_problem

    course = course.resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise ClassroomError(f"{course} is not a course folder (no nbgrader_config.py); "
                             "create one with `python -m grader classroom init DIR`")
    problem = gradebook_problem(course / GRADEBOOK)
    if problem:
        raise ClassroomError(f"{problem}; nothing was written. Restore the latest backup with: "
                             f"python -m grader classroom restore {course}")
    if sandbox and scheduler is None:  # on a cluster, each worker checks its own sandbox
        problem = availability_problem()
        if problem:
            raise ClassroomError(f"cannot sandbox student code: {problem}")
    known = set(assignment_names(db_url(course), COURSE_ID))
    if assignment is not None and assignment not in known:
        raise ClassroomError(f"no assignment {assignment!r} in the gradebook; known: {', '.join(sorted(known))}")
    client = None
    if scheduler is not None:
        from grader.cluster import connect

        client = connect(scheduler)  # before anything is written: unreachable means nothing changes
    try:
        return _autograde(course, submissions(course, assignment, students), known, client=client,
                          workers=workers, force=force, feedback=feedback, log=log, progress=progress,
                          options={"sandbox": sandbox, "memory": memory, "cell_timeout": cell_timeout,
                                   "notebook_timeout": notebook_timeout})
    finally:
        if client is not None:
            _close(client)


def _autograde(course: Path, jobs: list[tuple[str, str]], known: set[str], *, client, workers: int,
               force: bool, feedback: bool, log, progress: bool, options: dict) -> list[Outcome]:
    backup = backup_gradebook(course)
    log(f"Backed up the gradebook to {backup.relative_to(course)}")
    (course / STATE_DIR / "logs").mkdir(parents=True, exist_ok=True)
    journal = Journal(course)
    digests = {job: submission_digest(course, *job) for job in jobs}
    skipped = [] if force else _unchanged(course, jobs, digests, journal)
    if skipped:
        log(f"Skipping {len(skipped)} submission(s) graded before and unchanged since (--force regrades them)")
    todo = [job for job in jobs if job not in {(o.student, o.assignment) for o in skipped}]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    started = time.monotonic()
    bar = _progress_bar(len(todo)) if progress else None
    say = (lambda line: bar.write(line, file=sys.stderr)) if bar is not None else log

    def record(outcome: Outcome) -> None:
        with lock:
            journal.append(outcome, digests[(outcome.student, outcome.assignment)])
            outcomes.append(outcome)
            done = len(outcomes)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failures=sum(o.status != "graded" for o in outcomes), refresh=False)
        say(f"[{done}/{len(todo)}] {outcome.student} {outcome.assignment}: "
            f"{outcome.score:g}/{outcome.max_score:g} ({outcome.seconds:.0f} s)"
            + (f" - {outcome.reason}" if outcome.reason and outcome.score < outcome.max_score else ""))

    unknown = [job for job in todo if job[1] not in known]
    for student, assignment_id in unknown:
        record(Outcome(student, assignment_id, status="failed",
                       reason=f"not an assignment of this course (known: {', '.join(sorted(known))})"))
    todo = [job for job in todo if job not in unknown]
    try:
        if client is not None:
            from grader.cluster import grade_on_cluster

            grade_on_cluster(client, course, todo, options, record)
        else:
            options = dict(options, mpl_cache=_matplotlib_cache(course) if options["sandbox"] else None)
            _grade_locally(course, todo, workers, options, record)
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.monotonic() - started
    new = sorted(outcomes, key=lambda o: (o.student, o.assignment))
    if feedback:
        _feedback(course, new, log)
    everything = sorted(new + skipped, key=lambda o: (o.student, o.assignment))
    report = course / STATE_DIR / f"autograde-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    where = f"on the Dask cluster at {client.scheduler.address}" if client is not None else f"with {workers} worker(s)"
    report.write_text(json.dumps({"seconds": elapsed, "workers": workers, "sandbox": options["sandbox"],
                                  "cluster": client.scheduler.address if client is not None else None,
                                  "outcomes": [public_dict(o) for o in everything]}, indent=1))
    log(f"Graded {len(new)} submission(s) in {elapsed:.0f} s {where}; report: {report.relative_to(course)}")
    return everything


def _grade_locally(course: Path, jobs: list[tuple[str, str]], workers: int, options: dict, record) -> None:
    slots = Slots(max(1, workers))

    def run(job: tuple[str, str]) -> None:
        with slots.take() as slot:
            record(run_in_worker(course, job[0], job[1], slot, options))

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        for future in [pool.submit(run, job) for job in jobs]:
            future.result()
    except BaseException:  # Ctrl-C: start nothing new; what is running finishes and is recorded
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _unchanged(course: Path, jobs: list[tuple[str, str]], digests: dict, journal: Journal) -> list[Outcome]:
    """Outcomes of submissions graded before, unchanged since, and still in the gradebook."""
    entries = journal.entries()
    candidates = [job for job in jobs if (entry := entries.get(job)) is not None
                  and entry["digest"] == digests[job] and entry["outcome"]["status"] == "graded"]
    scores = graded_scores(db_url(course), COURSE_ID, candidates) if candidates else {}
    unchanged = []
    for job in candidates:
        if job not in scores:
            continue  # removed from the gradebook since: grade it again
        outcome = Outcome(**entries[job]["outcome"])
        outcome.score, outcome.max_score = scores[job]
        outcome.add_note(NoteKind.INFO, "unchanged since it was last graded; not regraded")
        unchanged.append(outcome)
    return unchanged


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="submission", dynamic_ncols=True, mininterval=1.0)


def _close(client) -> None:
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


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
