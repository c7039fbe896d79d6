"""Throwaway nbgrader course directories, one per grader run."""
from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from grader.config import hardened_config
from grader.errors import UngradableError
from grader.notebooks import without_check_cell
from grader.paths import IGNORED_NAMES, SOLUTIONS_DIR

STUDENT_ID = "learner"


def nbgrader_error(log: str | None) -> str:
    """The most telling line of an nbgrader log: its last exception, else its last line."""
    lines = [line.strip() for line in (log or "").strip().splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b.*:", line)
              and "Please see the" not in line]
    return (errors or lines or ["unknown error"])[-1][:200]


def with_venv_on_path() -> None:
    # nbgrader runs `alembic` as a subprocess to create the gradebook; it must
    # find the one beside this interpreter even when the venv is not activated.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def copy_chapter_files(source_dir: Path, target_dir: Path, *, skip_notebook: str | None = None) -> None:
    """Copy a chapter folder's files (data, scripts), leaving out caches and one notebook."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted(source_dir.iterdir()):
        if item.name in IGNORED_NAMES or item.name == skip_notebook:
            continue
        if item.is_dir():
            shutil.copytree(item, target_dir / item.name, ignore=shutil.ignore_patterns(*IGNORED_NAMES))
        else:
            shutil.copy2(item, target_dir / item.name)


class ThrowawayCourse:
    """An nbgrader course in a temporary folder, with one chapter generated from solutions/."""

    def __init__(self, root: Path, chapter: str, *, keep_check_cell: bool, **config_options):
        self.root = root
        self.chapter = chapter
        config = hardened_config(root, **config_options)
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        self.api.log.setLevel(logging.ERROR)
        source_dir = root / "source" / chapter
        copy_chapter_files(SOLUTIONS_DIR / chapter, source_dir, skip_notebook=f"{chapter}.ipynb")
        notebook = nbformat.read(SOLUTIONS_DIR / chapter / f"{chapter}.ipynb", as_version=4)
        if not keep_check_cell:
            notebook = without_check_cell(notebook)
        nbformat.write(notebook, source_dir / f"{chapter}.ipynb")
        result = self.api.generate_assignment(chapter, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment failed for {chapter}:\n{result.get('log', '')}"
                               f"\n{result.get('error', '')}")

    @property
    def release_dir(self) -> Path:
        return self.root / "release" / self.chapter

    def submission_path(self) -> Path:
        return self.root / "submitted" / STUDENT_ID / self.chapter / f"{self.chapter}.ipynb"

    def autograded_path(self) -> Path:
        return self.root / "autograded" / STUDENT_ID / self.chapter / f"{self.chapter}.ipynb"

    def autograde(self) -> None:
        result = self.api.autograde(self.chapter, STUDENT_ID, force=True, create=True)
        if not result["success"]:
            raise UngradableError(f"nbgrader could not grade this notebook: "
                                  f"{nbgrader_error(result.get('error') or result.get('log'))}")

    @property
    def db_url(self) -> str:
        return self.api.coursedir.db_url


@contextlib.contextmanager
def throwaway_course(chapter: str, *, keep_check_cell: bool = False, **config_options) -> Iterator[ThrowawayCourse]:
    with_venv_on_path()
    with tempfile.TemporaryDirectory(prefix=f"dlcourse-{chapter}-") as tmp:
        yield ThrowawayCourse(Path(tmp), chapter, keep_check_cell=keep_check_cell, **config_options)
