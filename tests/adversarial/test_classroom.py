"""Classroom mode against a class of adversarial students (tests/adversarial/classroom_cases.py).

One course with chapter 00 is created; every student is graded in one
sandboxed ``classroom autograde`` run with two workers; each test then checks
one student, the table, the gradebook or the feedback. The sandbox needs
bubblewrap: without it these tests fail (they do not skip) and say how to
install it.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import asdict

import nbformat
import pytest
from filelock import FileLock
from nbgrader.api import Gradebook

from grader import classroom
from grader.config import COURSE_ID
from grader.paths import REPO_ROOT, solution_notebook
from grader.preprocessors import split_hidden
from grader.sandbox import availability_problem
from tests.adversarial.classroom_cases import STUDENTS, probe
from tests.classroom_helpers import submit

pytestmark = pytest.mark.notebook
CHAPTER = "00_start_here"
BY_NAME = {student.name: student for student in STUDENTS}


@pytest.fixture(scope="module")
def sandbox():
    problem = availability_problem()
    if problem:
        pytest.fail(f"classroom tests need the sandbox: {problem}. "
                    "On Debian/Ubuntu: apt-get install bubblewrap (util-linux provides prlimit and setpriv).")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, sandbox):
    """The class, graded once even when pytest-xdist spreads these tests over several workers."""
    # Under pytest-xdist each worker's basetemp sits in this run's folder, which all workers share;
    # without xdist basetemp is that folder (its parent would be shared with earlier runs).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "adversarial-class"
    shared.mkdir(exist_ok=True)
    course, done = shared / "course", shared / "outcomes.json"
    with FileLock(str(shared / "lock")):
        if not done.exists():
            if course.exists():
                shutil.rmtree(course)
            classroom.init(course, [CHAPTER])
            submit(course, CHAPTER, STUDENTS)
            lines: list[str] = []
            outcomes = classroom.autograde(course, workers=2, cell_timeout=60, notebook_timeout=240,
                                           log=lines.append)
            done.write_text(json.dumps({"lines": lines, "outcomes": [asdict(o) for o in outcomes]}))
    result = json.loads(done.read_text())
    outcomes = [classroom.Outcome(**o) for o in result["outcomes"]]
    return course, {o.student: o for o in outcomes}, result["lines"]


def autograded(course, student) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)


def test_every_submission_gets_an_outcome_and_every_zero_a_reason(graded_class):
    course, outcomes, _ = graded_class
    assert set(outcomes) == {student.name for student in STUDENTS}, "one failure must not stop the batch"
    for name, outcome in outcomes.items():
        if outcome.score < outcome.max_score:
            assert outcome.reason, f"{name} scored {outcome.score} without a reason"
    table = classroom.table(list(outcomes.values()), course)
    for name, outcome in outcomes.items():
        if outcome.score == 0:
            assert any(line.strip().startswith(f"{name} / {CHAPTER}:") for line in table.splitlines()), table


@pytest.mark.parametrize("name", [s.name for s in STUDENTS if s.expected is not None])
def test_expected_score(graded_class, name):
    _, outcomes, _ = graded_class
    outcome = outcomes[name]
    assert outcome.score == BY_NAME[name].expected, (outcome.score, outcome.reason, outcome.tests)
    assert outcome.max_score == 3


def test_reasons_for_unreadable_and_missing_notebooks(graded_class):
    _, outcomes, _ = graded_class
    assert "not valid JSON" in outcomes["garbled"].reason
    assert "no 00_start_here.ipynb" in outcomes["absent"].reason
    assert "not written yet" in outcomes["blank"].reason
    assert any("renamed" in note for note in outcomes["renamer"].notes)


def test_hidden_tests_gradebook_and_classmates_are_invisible(graded_class):
    course, _, _ = graded_class
    seen = probe(autograded(course, "reader"))
    assert seen, "the probe found no paths to try"
    for path, result in seen.items():
        assert result in ("FileNotFoundError", "PermissionError"), f"the sandbox exposed {path}: {result}"


def test_no_network(graded_class):
    course, _, _ = graded_class
    assert "reached" not in probe(autograded(course, "network")).values()


def test_fork_bomb_hits_the_process_limit(graded_class):
    course, _, _ = graded_class
    result = probe(autograded(course, "forker"))
    assert result["stopped"] != "never" and result["children"] < 300, result


def test_memory_limit(graded_class):
    course, _, _ = graded_class
    assert probe(autograded(course, "hog")) == {"memory": "MemoryError"}


def test_nothing_outside_the_sandbox_can_be_killed(graded_class):
    course, outcomes, _ = graded_class
    result = probe(autograded(course, "killer"))
    assert result["parent"] != "sent" or outcomes["honest"].score == 3
    assert all(outcome.status == "graded" for name, outcome in outcomes.items()
               if name not in ("garbled", "absent"))


def test_a_planted_symlink_is_not_followed(graded_class):
    course, _, _ = graded_class
    notebook_path = course / "autograded" / "symlinker" / CHAPTER / f"{CHAPTER}.ipynb"
    assert probe(autograded(course, "symlinker"))["planted"].endswith("gradebook.db")
    assert notebook_path.is_file() and not notebook_path.is_symlink()
    assert classroom.gradebook_problem(course / "gradebook.db") is None


def test_scripts_are_removed_before_an_instructor_opens_the_notebook(graded_class):
    course, _, _ = graded_class
    outputs = [cell.get("outputs", []) for cell in autograded(course, "scripter").cells]
    text = json.dumps(outputs)
    # The sanitizer escapes what it removes: "&lt;script&gt;" is inert text; a live tag would start with "<".
    assert "<script" not in text and "<img" not in text and "application/javascript" not in text
    assert "&lt;script&gt;" in text and "<b>bold</b>" in text


def test_feedback_has_no_hidden_tests(graded_class):
    course, _, _ = graded_class
    source = nbformat.read(solution_notebook(CHAPTER), as_version=4)
    hidden = {line.strip() for cell in source.cells for line in split_hidden(cell.source)[1]
              if len(line.strip()) > 20}
    assert hidden
    for student in ("honest", "leaker"):
        html = (course / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()
        leaked = [line for line in hidden if line in html or line.replace('"', "&quot;") in html]
        assert not leaked, f"feedback for {student} shows hidden test lines: {leaked[:2]}"
    assert "withheld" in (course / "feedback" / "leaker" / CHAPTER / f"{CHAPTER}.html").read_text()


def test_ten_runs_give_the_same_score(graded_class):
    _, outcomes, _ = graded_class
    scores = {(o.score, tuple((t["name"], t["score"]) for t in o.tests))
              for name, o in outcomes.items() if name.startswith("repeat")}
    assert len(scores) == 1, scores


def test_gradebook_was_backed_up_first(graded_class):
    course, _, lines = graded_class
    assert lines[0].startswith("Backed up the gradebook to backups/")
    assert classroom.backups(course)


def test_rerun_keeps_manual_grades_without_sandbox(graded_class):
    course, _, _ = graded_class
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db_url, COURSE_ID) as gradebook:
        grade = gradebook.find_grade("test_normalize_values", CHAPTER, CHAPTER, "blank")
        grade.manual_score = 1.5
        gradebook.db.commit()
    outcomes = classroom.autograde(course, students=["blank"], workers=1, sandbox=False, feedback=False,
                                   force=True, log=lambda line: None)
    assert [o.student for o in outcomes] == ["blank"]
    with Gradebook(db_url, COURSE_ID) as gradebook:
        grade = gradebook.find_grade("test_normalize_values", CHAPTER, CHAPTER, "blank")
        assert grade.manual_score == 1.5 and grade.auto_score == 0
        assert gradebook.find_submission(CHAPTER, "blank").score == 1.5
    assert outcomes[0].score == 1.5


@pytest.fixture
def tiny_course(tmp_path):
    """A course folder with an empty nbgrader gradebook: enough for the checks made before grading."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        gradebook.add_assignment(CHAPTER)
    (course / "submitted").mkdir()
    return course


def test_corrupt_gradebook_is_refused_before_writing_and_restore_is_one_command(tiny_course):
    course = tiny_course
    classroom.backup_gradebook(course)
    gradebook = course / "gradebook.db"
    data = bytearray(gradebook.read_bytes())
    data[100:4096] = b"\x00garbage" * 499 + b"\x00" * 4
    gradebook.write_bytes(bytes(data))
    before, backups_before = gradebook.read_bytes(), len(classroom.backups(course))
    result = _cli("classroom", "autograde", str(course), "--no-sandbox")
    assert result.returncode == 2 and "restore" in result.stderr and "nothing was written" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert gradebook.read_bytes() == before and len(classroom.backups(course)) == backups_before
    result = _cli("classroom", "restore", str(course))
    assert result.returncode == 0, result.stderr
    assert classroom.gradebook_problem(gradebook) is None
    assert any(p.name.startswith("replaced-") for p in (course / "backups").iterdir())


def test_refuses_without_bubblewrap_unless_told(tiny_course, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = _cli("classroom", "autograde", str(tiny_course), env={"PATH": str(empty)})
    assert result.returncode == 2
    assert "bubblewrap" in result.stderr and "--no-sandbox" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tiny_course / "backups").exists(), "nothing is written before the sandbox check"


def test_backups_keep_the_newest_twenty(tmp_path):
    course = tmp_path / "course"
    (course / "backups").mkdir(parents=True)
    connection = sqlite3.connect(course / "gradebook.db")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    for i in range(25):
        shutil.copy(course / "gradebook.db", course / "backups" / f"gradebook-20000101-0000{i:02d}-000000.db")
    newest = classroom.backup_gradebook(course)
    kept = classroom.backups(course)
    assert len(kept) == 20 and kept[0] == newest


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          env=environment, timeout=600)
