"""requirements.txt is the single source of pins; the other environment files agree with it."""
from __future__ import annotations

import os
import re

import pytest

from grader.environment_files import read_pins, render
from grader.paths import REPO_ROOT

REQUIREMENTS = (REPO_ROOT / "requirements.txt").read_text()
PINS = read_pins(REQUIREMENTS)


def test_every_requirement_is_pinned_exactly():
    lines = [l.strip() for l in REQUIREMENTS.splitlines() if l.strip() and not l.startswith("#")]
    loose = [l for l in lines if not re.match(r"^[A-Za-z0-9_.\-]+==[0-9][^\s]*$", l)]
    assert not loose, f"pin these exactly with ==: {loose}"
    assert len(PINS) == len(lines)


def test_key_pins():
    assert PINS["torch"] == "2.13.0"
    assert PINS["nbgrader"].startswith("0.9.")
    major, minor = (int(part) for part in PINS["jupyterlab"].split(".")[:2])
    assert major == 4 and minor >= 2, "nbgrader 0.9 needs JupyterLab >= 4.2, < 5"


@pytest.mark.parametrize("relative", ["environment.yml", "binder/environment.yml"])
def test_environment_file_pins_equal_requirements(relative):
    text = (REPO_ROOT / relative).read_text()
    assert "python=3.11" in text
    assert read_pins(text) == PINS, f"{relative} drifted: run `python -m grader.environment_files`"
    assert text == render(REQUIREMENTS, binder=relative.startswith("binder")), "regenerate it"


def test_binder_takes_the_cpu_build_of_torch():
    text = (REPO_ROOT / "binder/environment.yml").read_text()
    assert "torch==2.13.0+cpu" in text and "download.pytorch.org/whl/cpu" in text


def test_binder_scripts_are_executable_and_strict():
    post_build = REPO_ROOT / "binder/postBuild"
    start = REPO_ROOT / "binder/start"
    assert os.access(post_build, os.X_OK) and os.access(start, os.X_OK)
    assert "set -e" in post_build.read_text()
    start_text = start.read_text()
    assert "OMP_NUM_THREADS=1" in start_text
    assert start_text.strip().splitlines()[-1] == 'exec "$@"'


def test_binder_start_runs_the_given_command_with_one_thread():
    import subprocess
    out = subprocess.run([str(REPO_ROOT / "binder/start"), "sh", "-c", "echo $OMP_NUM_THREADS"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"


def test_readme_badge_opens_chapter_00_in_jupyterlab():
    readme = (REPO_ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", readme)
    assert badge, "README needs a Binder badge"
    url = badge.group(0)
    assert "urlpath=lab/tree/chapters/00_start_here/00_start_here.ipynb" in url
    assert (REPO_ROOT / "chapters/00_start_here/00_start_here.ipynb").is_file()
    assert "make test" in readme and "make lab" in readme
