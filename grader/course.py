"""Throwaway nbgrader course directories, one per grader run."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import nbformat
import nbgrader
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from grader.config import hardened_config
from grader.errors import UngradableError
from grader.i18n import tr
from grader.notebooks import without_check_cell
from grader.paths import IGNORED_NAMES, SOLUTIONS_DIR
from grader.translations import catalog_path, translated

STUDENT_ID = "learner"
# What generate_assignment makes from a chapter's solution: kept between runs, keyed by its inputs.
GENERATED = ("source", "release", "gradebook.db")
CACHE_ENTRIES_KEPT = 40


def nbgrader_error(result: dict | str | None) -> str:
    """The most telling line of a failed nbgrader call: its last exception, else its last line.

    Takes the API's result dict (or a log's text). nbgrader's own ``error`` is only its closing
    "Please see the above traceback"; the cause is in the ``log``, so both are read, log first.
    """
    log = result if not isinstance(result, dict) else f"{result.get('log') or ''}\n{result.get('error') or ''}"
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


def cache_dir() -> Path:
    """Where generated courses are kept: $DLCOURSE_GRADER_CACHE, else the user's cache folder."""
    if os.environ.get("DLCOURSE_GRADER_CACHE"):
        return Path(os.environ["DLCOURSE_GRADER_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlcourse" / "grader"


def generation_key(chapter: str, keep_check_cell: bool, language: str = "en") -> str:
    """A hash of everything generate_assignment's output depends on: the solution folder, nbgrader, our config."""
    digest = hashlib.sha256(f"{chapter}|{keep_check_cell}|{language}|{nbgrader.__version__}".encode())
    if language != "en":
        digest.update(catalog_path(chapter, language).read_bytes())
        digest.update(Path(__file__).with_name("i18n.py").read_bytes())
    digest.update(Path(__file__).with_name("config.py").read_bytes())
    digest.update(Path(__file__).with_name("preprocessors.py").read_bytes())
    folder = SOLUTIONS_DIR / chapter
    for item in sorted(folder.rglob("*")):
        if item.is_file() and not set(item.relative_to(folder).parts) & set(IGNORED_NAMES):
            digest.update(str(item.relative_to(folder)).encode() + b"\0" + item.read_bytes())
    return f"{chapter}-{language}-{digest.hexdigest()[:24]}"


class ThrowawayCourse:
    """An nbgrader course in a temporary folder, with one chapter generated from solutions/.

    Generating the assignment (gradebook, source, release) costs seconds and
    depends only on the solution, so it is done once per solution version and
    copied from a cache afterwards; a cache that cannot be written is skipped.
    """

    def __init__(self, root: Path, chapter: str, *, keep_check_cell: bool, language: str = "en", **config_options):
        self.root = root
        self.chapter = chapter
        self.language = language  # another edition: the source's Markdown from its catalog (grader.translations)
        config = hardened_config(root, **config_options)
        config.ClearSolutions.text_stub = tr("YOUR ANSWER HERE", language)  # the blank of a written answer
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        self.api.log.setLevel(logging.ERROR)
        key = generation_key(chapter, keep_check_cell, language)
        if not self._copy_from_cache(key):
            self._generate(keep_check_cell)
            self._store_in_cache(key)

    def _copy_from_cache(self, key: str) -> bool:
        cached = cache_dir() / key
        if not all((cached / name).exists() for name in GENERATED):
            _remove(cached)  # an incomplete entry (a cleaned folder) is replaced, not kept forever
            return False
        try:
            _copy_generated(cached, self.root)
            os.utime(cached)  # recently used: pruned last
        except OSError:
            for name in GENERATED:  # a half-copied course must not be graded; generate afresh
                _remove(self.root / name)
            return False
        return True

    def _store_in_cache(self, key: str) -> None:
        try:
            cache_dir().mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache_dir()))
            _copy_generated(self.root, staging)
            try:
                staging.rename(cache_dir() / key)  # atomic: a reader sees all of it or nothing
            except OSError:  # another run stored the same key first
                shutil.rmtree(staging, ignore_errors=True)
            _prune_cache()
        except OSError:
            pass  # a read-only or full cache only costs time

    def _generate(self, keep_check_cell: bool) -> None:
        root, chapter = self.root, self.chapter
        source_dir = root / "source" / chapter
        copy_chapter_files(SOLUTIONS_DIR / chapter, source_dir, skip_notebook=f"{chapter}.ipynb")
        notebook = nbformat.read(SOLUTIONS_DIR / chapter / f"{chapter}.ipynb", as_version=4)
        if not keep_check_cell:
            notebook = without_check_cell(notebook)
        if self.language != "en":
            notebook = translated(notebook, chapter, self.language)
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
                                  f"{nbgrader_error(result)}")

    @property
    def db_url(self) -> str:
        return self.api.coursedir.db_url


def _copy_generated(from_root: Path, to_root: Path) -> None:
    for name in GENERATED:
        if (from_root / name).is_dir():
            shutil.copytree(from_root / name, to_root / name)
        else:
            shutil.copy2(from_root / name, to_root / name)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _prune_cache() -> None:
    """Keep the most recently used entries; stale solution versions go first."""
    entries = sorted((e for e in cache_dir().iterdir() if not e.name.startswith(".")),
                     key=lambda e: e.stat().st_mtime, reverse=True)
    for stale in entries[CACHE_ENTRIES_KEPT:]:
        _remove(stale)
    for staging in cache_dir().glob(".*"):  # left by a run that was killed while storing
        if time.time() - staging.stat().st_mtime > 3600:
            _remove(staging)


@contextlib.contextmanager
def throwaway_course(chapter: str, *, keep_check_cell: bool = False, **config_options) -> Iterator[ThrowawayCourse]:
    with_venv_on_path()
    with tempfile.TemporaryDirectory(prefix=f"dlcourse-{chapter}-") as tmp:
        yield ThrowawayCourse(Path(tmp), chapter, keep_check_cell=keep_check_cell, **config_options)
