"""Autograde on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1.

The class is the adversarial class of tests/adversarial (correct, blank,
renamed, unreadable and every sandbox trick), and the reference is that
class graded locally by tests/adversarial/test_classroom.py's fixture: every
student's score, status and every cell's automatic grade must be the same.
One more run kills a worker's whole process group mid-batch; one points at a
scheduler that is not there.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader import classroom
from grader.cluster import write_result
from grader.config import COURSE_ID
from grader.journal import Journal
from grader.remote_grading import grade_remotely
from tests.adversarial.classroom_cases import STUDENTS
from tests.adversarial.test_classroom import CHAPTER, graded_class, sandbox  # noqa: F401 (fixtures)
from tests.classroom_helpers import sandboxed_course, submit

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("dask-cluster")]
DASK = Path(sys.executable).parent / "dask"
NAMED = [s for s in STUDENTS if not s.name.startswith("repeat")]  # 13 students, one per case
KILL_CLASS = [s for s in STUDENTS if s.name in {"honest", "blank", "renamer", "absent", "garbled"}] + \
    [s for s in STUDENTS if s.name.startswith("repeat")][:6]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A scheduler and workers as separate process groups, so a test can kill one like a lost machine."""

    def __init__(self, workers: int, logs: Path):
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.logs = logs
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port",
                                                    self.address.rsplit(":", 1)[1], "--no-dashboard"])
        self.workers = [self._start(f"worker{i}", ["worker", self.address, "--nthreads", "1", "--nworkers", "1",
                                                   "--no-dashboard", "--memory-limit", "0", "--name", f"w{i}"])
                        for i in range(workers)]

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        return subprocess.Popen([str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for_workers(self, count: int, timeout: float = 90) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=timeout)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.workers + [self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers + [self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def cluster(tmp_path):
    started = Cluster(2, tmp_path)
    try:
        started.wait_for_workers(2)
        yield started
    finally:
        started.stop()


def _course(root: Path, students) -> Path:
    course = sandboxed_course(root, [CHAPTER])
    submit(course, CHAPTER, students)
    return course


def _cli(*args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    # pytest-xdist's workers ignore SIGINT, and a child would inherit that (Python then never raises
    # KeyboardInterrupt): the command gets Ctrl-C's default disposition, as in a terminal.
    return subprocess.Popen([sys.executable, "-m", "grader", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kwargs)


def _auto_grades(course: Path, students) -> dict:
    """(student, cell) -> (auto score, needs manual grade, has a manual score); comments -> auto comment."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student in students:
            try:
                submission = gradebook.find_submission(CHAPTER, student.name)
            except Exception:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[(student.name, grade.name)] = (grade.auto_score, grade.needs_manual_grade,
                                                         grade.manual_score is not None)
                for comment in notebook.comments:
                    found[(student.name, "comment:" + comment.name)] = comment.auto_comment
    return found


def _assert_same_automatic_grades(remote: dict, local: dict) -> None:
    """Equal automatic grades; where a manual score was given (another test gives one in the shared
    local course), the review flag follows that score, so only the automatic score is compared."""
    assert remote.keys() == local.keys()
    for key, theirs in local.items():
        mine = remote[key]
        if isinstance(theirs, tuple) and (theirs[2] or mine[2]):
            assert mine[0] == theirs[0], key
        else:
            assert mine == theirs, key


def _integrity(course: Path) -> tuple[str, list]:
    connection = sqlite3.connect(course / "gradebook.db")
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        duplicates = connection.execute(
            "SELECT student_id, assignment_id, count(*) FROM submitted_assignment "
            "GROUP BY student_id, assignment_id HAVING count(*) > 1").fetchall()
        duplicates += connection.execute(
            "SELECT cell_id, notebook_id, count(*) FROM grade GROUP BY cell_id, notebook_id "
            "HAVING count(*) > 1").fetchall()
    finally:
        connection.close()
    return check, duplicates


def test_a_dask_cluster_grades_every_submission_as_the_local_workers_do(tmp_path, cluster, graded_class):  # noqa: F811
    local_course, local, _ = graded_class
    course = _course(tmp_path, NAMED)
    run = _cli("classroom", "autograde", str(course), "--scheduler", cluster.address, "--json")
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, err[-3000:]
    remote = {o["student"]: o for o in json.loads(out)}
    assert set(remote) == {s.name for s in NAMED}
    for student in NAMED:
        mine, theirs = remote[student.name], local[student.name]
        assert (mine["score"], mine["max_score"], mine["status"]) == \
            (theirs.score, theirs.max_score, theirs.status), (student.name, mine["reason"], theirs.reason)
        assert [(t["name"], t["score"]) for t in mine["tests"]] == [(t["name"], t["score"]) for t in theirs.tests]
    _assert_same_automatic_grades(_auto_grades(course, NAMED), _auto_grades(local_course, NAMED))
    assert "submission/s" in err or "s/submission" in err, "a tqdm progress bar on stderr"
    for student in NAMED:  # the coordinator wrote the autograded notebooks and the logs
        if remote[student.name]["status"] == "graded":
            assert (course / "autograded" / student.name / CHAPTER / f"{CHAPTER}.ipynb").is_file()
    feedback = course / "feedback" / "honest" / CHAPTER / f"{CHAPTER}.html"
    assert feedback.is_file() and "BEGIN HIDDEN TESTS" not in feedback.read_text()

    # A second run skips what is recorded and unchanged; --force keeps manual grades.
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        gradebook.find_grade("test_normalize_values", CHAPTER, CHAPTER, "blank").manual_score = 1.5
        gradebook.db.commit()
    again = _cli("classroom", "autograde", str(course), "--scheduler", cluster.address, "--json",
                 "--student", "honest", "--student", "blank")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and "Skipping 2 submission(s)" in err, err[-2000:]
    forced = _cli("classroom", "autograde", str(course), "--scheduler", cluster.address, "--json", "--force",
                  "--student", "blank", "--no-feedback")
    out, err = forced.communicate(timeout=300)
    assert forced.returncode == 0, err[-2000:]
    (blank,) = json.loads(out)
    assert blank["score"] == 1.5, "a regrade on the cluster keeps the manual grade"
    assert _integrity(course) == ("ok", [])


def test_a_worker_killed_mid_batch_loses_nothing_and_records_nothing_twice(tmp_path, cluster, graded_class):  # noqa: F811
    _, local, _ = graded_class
    course = _course(tmp_path, KILL_CLASS)
    run = _cli("classroom", "autograde", str(course), "--scheduler", cluster.address, "--no-feedback", "--json")
    killed_after = None
    for line in run.stderr:  # the log lines arrive as each result is recorded
        if re.search(r"\[1/\d+\] ", line):
            cluster.kill(cluster.workers[0])
            killed_after = time.monotonic()
            break
    out, err = run.communicate(timeout=900)
    assert killed_after is not None, "no result arrived before the kill"
    assert run.returncode == 0, err[-3000:]
    outcomes = json.loads(out)
    assert sorted(o["student"] for o in outcomes) == sorted(s.name for s in KILL_CLASS)
    for outcome in outcomes:
        expected = local[outcome["student"]]
        assert (outcome["score"], outcome["status"]) == (expected.score, expected.status), outcome["reason"]
    assert _integrity(course) == ("ok", [])
    lines = Journal(course).path.read_text().splitlines()
    assert len(lines) == len(KILL_CLASS), "each submission is recorded exactly once"


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path):
    course = tmp_path / "course"
    classroom.init(course, [CHAPTER])
    before = (course / "gradebook.db").read_bytes()
    run = _cli("classroom", "autograde", str(course), "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    out, err = run.communicate(timeout=120)
    assert run.returncode == 2
    assert len(err.strip().splitlines()) == 1 and "cannot reach the Dask scheduler" in err, err
    assert (course / "gradebook.db").read_bytes() == before
    assert not any((course / "backups").iterdir()) and not Journal(course).path.exists()


def test_a_worker_without_a_sandbox_refuses_and_nothing_is_recorded(tmp_path, monkeypatch):
    import grader.sandbox

    monkeypatch.setattr(grader.sandbox, "availability_problem", lambda: "bwrap is not installed")
    result = grade_remotely(b"", b"", "ann", CHAPTER, {"sandbox": True})
    assert "cannot sandbox" in result["refused"] and "--no-sandbox" in result["refused"]
    course = tmp_path / "course"
    classroom.init(course, [CHAPTER])
    before = (course / "gradebook.db").read_bytes()
    outcome = write_result(course, result)
    assert (outcome.student, outcome.status) == ("ann", "failed") and "bubblewrap" in outcome.reason
    assert (course / "gradebook.db").read_bytes() == before


def test_ctrl_c_keeps_what_was_recorded_and_the_next_run_resumes(tmp_path):
    honest = next(s for s in STUDENTS if s.name == "honest")
    class_of_four = [type(honest)(f"pupil{i}", honest.trick, honest.defence, 3, honest.files) for i in range(4)]
    course = _course(tmp_path, class_of_four)
    run = _cli("classroom", "autograde", str(course), "--scheduler", "local:2", "--no-feedback")
    for line in run.stderr:
        if re.search(r"\[1/\d+\] ", line):
            run.send_signal(signal.SIGINT)
            break
    _, err = run.communicate(timeout=300)
    assert run.returncode == 130 and "Interrupted" in err, err[-2000:]
    recorded = len(Journal(course).path.read_text().splitlines())
    assert 1 <= recorded < 4, recorded
    assert _integrity(course) == ("ok", [])
    again = _cli("classroom", "autograde", str(course), "--scheduler", "local:2", "--no-feedback", "--json")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0 and f"Skipping {recorded} submission(s)" in err, err[-2000:]
    outcomes = json.loads(out)
    assert sorted(o["student"] for o in outcomes) == [s.name for s in class_of_four]
    assert all(o["score"] == 3 for o in outcomes)
    assert len(Journal(course).path.read_text().splitlines()) == 4, "the rest graded once, nothing twice"
