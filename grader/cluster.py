"""Autograde on a Dask cluster: the coordinator's side.

``classroom autograde COURSE --scheduler tcp://HOST:PORT`` sends each
submission to the cluster as one task (``grader.remote_grading``) and records
the results as they come back. The coordinator is the only writer: it applies
each result's automatic grades to the gradebook (``grader.gradebook.
import_submission``), puts the autograded folder and the logs in place, and
journals it, one result at a time and exactly once per task, so an
interrupted run keeps everything recorded so far. ``--scheduler local:N``
starts a ``distributed.LocalCluster`` of N one-thread worker processes: the
same path as a remote cluster, on one machine.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Callable, Iterable

from grader.classroom_worker import STATE_DIR
from grader.config import COURSE_ID
from grader.errors import ClassroomError
from grader.gradebook import db_url, import_submission, submission_score
from grader.outcomes import Outcome
from grader.remote_grading import grade_remotely, pack, unpack

CONNECT_TIMEOUT_S = 10
WORKERS_TIMEOUT_S = 60
MAX_SUBMISSION_BYTES = 100 * 1024 ** 2  # packed; a chapter's notebook with outputs is well under 5 MB
_ADDRESS = re.compile(r"^(tcp|tls)://[^\s/:]+:\d+$")


def connect(address: str):
    """A Dask client for ``tcp://HOST:PORT`` or a new ``local:N`` cluster; ClassroomError if unreachable."""
    from distributed import Client, LocalCluster

    # Dask logs every reconnection attempt; the instructor gets our one line instead.
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    local = re.fullmatch(r"local:(\d+)", address)
    if local:
        workers = int(local.group(1))
        if workers < 1:
            raise ClassroomError("--scheduler local:N needs N >= 1")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, memory_limit=0)
        return Client(cluster)
    if not _ADDRESS.match(address):
        raise ClassroomError(f"--scheduler {address!r} is not tcp://HOST:PORT or local:N")
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        raise ClassroomError(f"cannot reach the Dask scheduler at {address} ({type(error).__name__}); "
                             "is `dask scheduler` running there? Nothing was written") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        client.close()
        raise ClassroomError(f"the scheduler at {address} has no workers after {WORKERS_TIMEOUT_S} s; start "
                             f"some with `dask worker {address} --nthreads 1`. Nothing was written") from None
    return client


def assignment_template(course: Path, assignment: str) -> bytes:
    """The assignment's source folder and a gradebook that knows only it, packed for the workers.

    The gradebook is generated from ``source/`` exactly as ``classroom init``
    generated the course's, then checked against the course's gradebook, so
    the workers grade against the same cells and points.
    """
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader.classroom import configure
    from grader.course import nbgrader_error, with_venv_on_path

    with_venv_on_path()
    with tempfile.TemporaryDirectory(prefix="dlcourse-template-") as scratch:
        root = Path(scratch)
        shutil.copytree(course / "source" / assignment, root / "source" / assignment)
        c = Config()
        configure(c, root, sandbox={})
        api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
        api.log.setLevel(logging.ERROR)
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise ClassroomError(f"cannot prepare {assignment} for the workers: "
                                 f"{nbgrader_error(result)}")
        with Gradebook(db_url(course), COURSE_ID) as course_book, Gradebook(db_url(root), COURSE_ID) as template:
            ours, theirs = course_book.find_assignment(assignment), template.find_assignment(assignment)
            if _cells(ours) != _cells(theirs):
                raise ClassroomError(f"the gradebook's {assignment} differs from source/{assignment}; run "
                                     f"`nbgrader generate_assignment {assignment} --force` in the course first")
            theirs.duedate = ours.duedate  # late penalties are computed on the worker
            template.db.commit()
        shutil.rmtree(root / "release", ignore_errors=True)
        return pack(root)


def _cells(assignment) -> list[tuple]:
    return sorted((notebook.name, cell.name, cell.max_score, cell.cell_type)
                  for notebook in assignment.notebooks for cell in notebook.grade_cells)


def grade_on_cluster(client, course: Path, jobs: Iterable[tuple[str, str]], options: dict,
                     record: Callable[[Outcome], None]) -> None:
    """Send every (student, assignment) to the cluster; ``record`` each outcome as it is written."""
    from distributed import as_completed

    jobs = list(jobs)
    templates = {assignment: client.scatter(assignment_template(course, assignment))
                 for assignment in sorted({a for _, a in jobs})}
    futures = {}
    for student, assignment in jobs:
        submission = pack(course / "submitted" / student / assignment)
        if len(submission) > MAX_SUBMISSION_BYTES:
            record(Outcome(student, assignment, status="failed",
                           reason=f"the submission is {len(submission) / 1024 ** 2:.0f} MB packed; the limit is "
                                  f"{MAX_SUBMISSION_BYTES // 1024 ** 2} MB (remove large data files from it)"))
            continue
        key = f"grade-{assignment}-{student}-{uuid.uuid4().hex[:8]}"
        future = client.submit(grade_remotely, templates[assignment], submission, student, assignment, options,
                               key=key, pure=False, retries=1)
        futures[future] = (student, assignment)
    try:
        for future in as_completed(futures):
            student, assignment = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the task itself failed on every try: this submission only
                record(Outcome(student, assignment, status="failed",
                               reason=f"the cluster could not grade it: {type(error).__name__}: {str(error)[:160]}"))
                continue
            record(write_result(course, result))
    finally:
        client.cancel(list(futures))


def write_result(course: Path, result: dict) -> Outcome:
    """Apply one worker's result to the course (the coordinator is the only writer)."""
    if "refused" in result:  # nothing was graded, so nothing is recorded in the gradebook
        return Outcome(result["student"], result["assignment"], status="failed", reason=result["refused"])
    outcome = Outcome(**result["outcome"])
    student, assignment = outcome.student, outcome.assignment
    url = db_url(course)
    if result["grades"] is not None:
        import_submission(url, COURSE_ID, result["grades"])
    if result["autograded"] is not None:
        target = course / "autograded" / student / assignment
        incoming = target.with_name(f".{assignment}.incoming")
        shutil.rmtree(incoming, ignore_errors=True)
        unpack(result["autograded"], incoming)
        shutil.rmtree(target, ignore_errors=True)
        incoming.rename(target)
    logs = course / STATE_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for name, text in result["logs"].items():
        (logs / Path(name).name).write_text(text)
    outcome.score, outcome.max_score = submission_score(url, COURSE_ID, assignment, student)
    return outcome
