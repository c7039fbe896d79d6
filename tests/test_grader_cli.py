"""`python -m grader check` from a terminal: one table or JSON, exit codes, inputs untouched."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import nbformat
import pytest

from grader.check import grade
from grader.paths import REPO_ROOT, chapter_notebook, solution_notebook
from tests.notebook_variants import nbgrader_meta

CHAPTER = "00_start_here"


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "check", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600)


def _assert_one_line_refusal(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot grade:"), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b'{"cells": [', "not valid JSON"),
    (b'{"hello": "world"}', "not a valid Jupyter notebook"),
    (b"print('a python file')\n", "not valid JSON"),
])
def test_broken_input_exits_2_with_one_line(tmp_path, content, fragment):
    path = tmp_path / "00_start_here.ipynb"
    path.write_bytes(content)
    _assert_one_line_refusal(run_check(str(path)), fragment)
    assert path.read_bytes() == content


def test_missing_file_and_directory_exit_2(tmp_path):
    _assert_one_line_refusal(run_check(str(tmp_path / "nope.ipynb")), "does not exist")
    _assert_one_line_refusal(run_check(str(tmp_path)), "not a file")


def test_unknown_chapter_exits_2(tmp_path):
    notebook = nbformat.read(chapter_notebook(CHAPTER), as_version=4)
    notebook.metadata["dlcourse"]["chapter"] = "99_time_travel"
    path = tmp_path / "my_notes.ipynb"
    nbformat.write(notebook, path)
    _assert_one_line_refusal(run_check(str(path)), "not a chapter of this course", "00_start_here")


def test_copy_saved_elsewhere_is_graded_by_its_metadata_and_left_untouched(tmp_path):
    path = tmp_path / "home" / "my copy of chapter zero.ipynb"
    path.parent.mkdir()
    path.write_bytes(solution_notebook(CHAPTER).read_bytes())
    digest, mtime = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    first = run_check(str(path), "--json")
    second = run_check(str(path), "--json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    first_report, second_report = json.loads(first.stdout), json.loads(second.stdout)
    assert first_report["chapter"] == CHAPTER
    assert first_report["score"] == first_report["max_score"] == 3
    assert set(first_report["tests"][0]) >= {"name", "score", "max_score", "status", "message"}
    assert [t["score"] for t in first_report["tests"]] == [t["score"] for t in second_report["tests"]]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "the grader wrote beside the file"


def test_table_output_names_every_test_and_the_score():
    result = run_check(str(chapter_notebook(CHAPTER)))
    assert result.returncode == 0, result.stderr
    assert "test_normalize_type_shape" in result.stdout and "test_normalize_values" in result.stdout
    assert "not written yet" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "Score: 0 / 3"
    assert result.stderr == "", "grading noise must not reach the learner's terminal"


def _solution_with(mutate) -> nbformat.NotebookNode:
    notebook = nbformat.read(solution_notebook(CHAPTER), as_version=4)
    mutate(notebook)
    return notebook


def _grade_variant(tmp_path, notebook):
    path = tmp_path / f"{CHAPTER}.ipynb"
    nbformat.write(notebook, path)
    return {t.name: t for t in grade(path).tests}


def test_a_warning_on_stderr_does_not_zero_a_correct_answer(tmp_path):
    def add_warning(notebook):
        cell = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == "normalize")
        cell.source = cell.source.replace(
            "def normalize(x):", "import warnings, sys\n\ndef normalize(x):\n    warnings.warn('just a warning')\n"
            "    print('noise on stderr', file=sys.stderr)", 1)
    results = _grade_variant(tmp_path, _solution_with(add_warning))
    assert all(t.status == "pass" for t in results.values()), results


def test_skip_tags_and_deleted_tests_do_not_earn_points(tmp_path):
    def cheat(notebook):
        answer = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == "normalize")
        answer.source = "def normalize(x):\n    return x\n"
        for cell in notebook.cells:
            if nbgrader_meta(cell).get("grade_id") == "test_normalize_type_shape":
                cell.metadata["tags"] = ["skip-execution", "skip", "raises-exception"]
        notebook.cells = [c for c in notebook.cells if nbgrader_meta(c).get("grade_id") != "test_normalize_values"]
    results = _grade_variant(tmp_path, _solution_with(cheat))
    assert results["test_normalize_type_shape"].status != "pass"
    assert results["test_normalize_values"].score == 0, "a deleted test must come back and fail"
    assert sum(t.max_score for t in results.values()) == 3


def test_edited_test_cells_are_restored_from_the_source(tmp_path):
    def weaken_tests(notebook):
        answer = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == "normalize")
        answer.source = "def normalize(x):\n    return np.asarray(x, dtype=np.float64)\n"
        for cell in notebook.cells:
            if nbgrader_meta(cell).get("grade"):
                cell.source = "pass"
    results = _grade_variant(tmp_path, _solution_with(weaken_tests))
    assert results["test_normalize_values"].status == "fail"


def test_an_nbgrader_failure_is_named_by_its_cause_not_by_nbgrader_s_closing_line():
    from grader.course import nbgrader_error

    # The shape of nbgrader's API result when a preprocessor raised: the cause is in the
    # log, and "error" holds only the closing NbGraderException.
    result = {"success": False,
              "log": "[AutogradeApp | ERROR] There was an error processing assignment: /c/submitted\n"
                     "Traceback (most recent call last):\n  File \"x.py\", line 1, in run\n"
                     "RuntimeError: Kernel didn't respond in 60 seconds\n",
              "error": "Traceback (most recent call last):\n  File \"base.py\", line 9, in convert\n"
                       "nbgrader.converters.base.NbGraderException: Please see the the above traceback for details"}
    assert nbgrader_error(result) == "RuntimeError: Kernel didn't respond in 60 seconds"
    assert nbgrader_error({"log": "", "error": ""}) == "unknown error"


@pytest.mark.parametrize("edition, says", [("", "no solutions/ folder"), (".zh", "没有可供评分的 solutions/")])
def test_without_solutions_check_says_where_the_score_comes_from(edition, says):
    # What a student's server on the course's JupyterHub sees: solutions/ covered by an empty folder.
    chapter = "01_gradient_descent"
    notebook = REPO_ROOT / "chapters" / chapter / f"{chapter}{edition}.ipynb"
    result = subprocess.run(["bwrap", "--dev-bind", "/", "/", "--tmpfs", str(REPO_ROOT / "solutions"),
                             sys.executable, "-m", "grader", "check", str(notebook)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    _assert_one_line_refusal(result, says)
