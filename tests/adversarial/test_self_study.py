"""Self-study grading (`python -m grader check --json`) against adversarial submissions.

Each case in tests/adversarial/submissions.py is graded once, through the
command a learner's *Check your work* cell runs, and must get exactly its
expected score, a reason for every lost point, and exactly one JSON object on
stdout whatever the submission prints.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from grader.paths import REPO_ROOT, chapter_notebook
from tests.adversarial.submissions import IN_PROCESS, Case

pytestmark = pytest.mark.notebook


def check_json(path, *args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict | None]:
    result = subprocess.run([sys.executable, "-m", "grader", "check", str(path), "--json", *args], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=900, env=dict(os.environ, **(env or {})))
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def _params():
    for case in IN_PROCESS:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_adversarial_submission(case: Case, tmp_path):
    path = tmp_path / f"{case.chapter}.ipynb"
    nbformat.write(case.build(), path)
    for name, text in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    env = {key: value.format(tmp=tmp_path) for key, value in case.env.items()}
    result, report = check_json(path, f"--cell-timeout={case.cell_timeout}",
                                f"--notebook-timeout={case.notebook_timeout}", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    # json.loads above accepted stdout whole: exactly one JSON object, nothing the learner printed.
    rows = {test["name"]: test for test in report["tests"]}
    summary = {name: (row["score"], row["message"]) for name, row in rows.items()}
    assert report["score"] == case.expected, summary
    for row in rows.values():
        if row["score"] < row["max_score"] and row["status"] != "manual":
            assert row["message"], f"{row['name']} lost points without a reason"
    for name, fragment in case.reasons.items():
        assert rows[name]["score"] < rows[name]["max_score"], summary
        assert fragment in rows[name]["message"], summary
    for fragment in case.notes:
        assert any(fragment in note for note in report["notes"]), report["notes"]


def test_too_new_nbformat_is_refused_with_one_line(tmp_path):
    data = json.loads(chapter_notebook("00_start_here").read_text())
    data["nbformat"], data["nbformat_minor"] = 5, 0
    path = tmp_path / "00_start_here.ipynb"
    path.write_text(json.dumps(data))
    result, _ = check_json(path)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "notebook format 5" in lines[0], result.stderr
