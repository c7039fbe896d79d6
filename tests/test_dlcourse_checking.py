"""The Check your work cell's helper, run the way a kernel would run it."""
from __future__ import annotations

import shutil

import dlcourse as dl
from grader.paths import chapter_notebook


def test_check_your_work_explains_a_missing_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert dl.check_your_work("00_start_here") == 2
    assert "Save it (Ctrl+S)" in capsys.readouterr().out


def test_check_your_work_grades_the_saved_file_found_from_the_session(tmp_path, monkeypatch, capsys):
    saved = tmp_path / "renamed.ipynb"
    shutil.copy(chapter_notebook("00_start_here"), saved)
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))  # what JupyterLab tells the kernel
    before = saved.read_bytes()
    assert dl.check_your_work("00_start_here") == 0
    out = capsys.readouterr().out
    assert "as saved at" in out and "Score: 0 / 3" in out
    assert saved.read_bytes() == before
