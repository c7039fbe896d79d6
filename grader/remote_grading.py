"""One submission graded on a Dask worker: bytes in, bytes out, nothing shared on disk.

The coordinator (``grader.cluster``) sends a task the assignment's template
(its ``source/`` folder and a gradebook that knows only that assignment), the
submission's files and the grading options. The worker rebuilds a throwaway
course from them in a temporary folder, grades it exactly as a local
``classroom autograde`` would (``grader.classroom_worker.run_in_worker``: a
child process, the sandbox, the limits, the guard), and returns the outcome,
the autograded folder, the automatic grades and the logs. It never writes
anywhere the coordinator reads; the temporary folder is removed afterwards.
"""
from __future__ import annotations

import fcntl
import io
import os
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from grader.classroom_worker import STATE_DIR, run_in_worker
from grader.config import COURSE_ID
from grader.gradebook import db_url, export_submission

# Kernels of cluster tasks run as FIRST_UID + slot; local workers use slots from 0,
# so cluster slots start higher and a machine may run both without sharing a uid.
CLUSTER_SLOT_BASE = 100
CLUSTER_SLOTS = 64


def pack(folder: Path) -> bytes:
    """The folder's files as a gzipped tar (paths relative to the folder)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() or path.is_symlink():
                archive.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buffer.getvalue()


def unpack(data: bytes, target: Path) -> None:
    """Extract a packed folder; the "data" filter refuses absolute paths, ``..`` and links outside."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(target, filter="data")


@contextmanager
def machine_slot() -> Iterator[int]:
    """A sandbox slot no other task on this machine holds (a lock file per slot)."""
    folder = Path(tempfile.gettempdir()) / "dlcourse-grader-slots"
    folder.mkdir(exist_ok=True)
    for index in range(CLUSTER_SLOTS):
        handle = open(folder / f"{index}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield CLUSTER_SLOT_BASE + index
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise RuntimeError(f"all {CLUSTER_SLOTS} grading slots on this machine are busy; "
                       "start fewer threads per worker")


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return os.uname().nodename


def grade_remotely(template: bytes, submission: bytes, student: str, assignment: str, options: dict) -> dict:
    """Dask task: grade one submission; returns what the coordinator records (see module docstring)."""
    from grader.sandbox import availability_problem, prepare_matplotlib_cache

    worker = _worker_name()
    if options["sandbox"]:
        problem = availability_problem()
        if problem:
            return {"refused": f"worker {worker} cannot sandbox student code ({problem}); install "
                               "bubblewrap there, or pass --no-sandbox for code you trust",
                    "student": student, "assignment": assignment, "worker": worker}
    with tempfile.TemporaryDirectory(prefix="dlcourse-grade-") as scratch, machine_slot() as slot:
        course = Path(scratch) / "course"
        unpack(template, course)
        unpack(submission, course / "submitted" / student / assignment)
        logs = course / STATE_DIR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        # The kernel (another uid) must reach its folders inside the scratch space.
        os.chmod(scratch, 0o755)
        mpl_cache = None
        if options["sandbox"]:
            mpl_cache = prepare_matplotlib_cache(Path(tempfile.gettempdir()) / "dlcourse-grader-matplotlib")
        outcome = run_in_worker(course, student, assignment, slot, dict(options, mpl_cache=mpl_cache))
        autograded = course / "autograded" / student / assignment
        return {
            "outcome": asdict(outcome),
            "grades": export_submission(db_url(course), COURSE_ID, assignment, student),
            "autograded": pack(autograded) if autograded.is_dir() else None,
            "logs": {path.name: path.read_text(errors="replace") for path in logs.glob("*.log")},
            "worker": worker,
        }
