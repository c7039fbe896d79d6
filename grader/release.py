"""``python -m grader release [--check]``: regenerate chapters/ from solutions/ with nbgrader."""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

from grader.course import copy_chapter_files, throwaway_course
from grader.paths import CHAPTERS_DIR, chapter_names
from grader.translations import editions, problems


def generate_chapter(chapter: str, target_dir: Path) -> None:
    """Write nbgrader's student version of one chapter into ``target_dir`` (replaced), every edition.

    The English release is ``NN_slug.ipynb``; each other edition whose catalog
    is complete and fresh is ``NN_slug.LANG.ipynb`` beside it, generated the
    same way from the translated source, so code, tests and points are shared.
    """
    with throwaway_course(chapter, keep_check_cell=True) as course:
        if target_dir.exists():
            shutil.rmtree(target_dir)
        copy_chapter_files(course.release_dir, target_dir)
    for language in editions(chapter):
        if problems(chapter, language):
            continue  # reported by translation_problems; a stale edition is not released
        with throwaway_course(chapter, keep_check_cell=True, language=language) as course:
            shutil.copy2(course.release_dir / f"{chapter}.ipynb", target_dir / f"{chapter}.{language}.ipynb")


def translation_problems(chapters: list[str] | None = None) -> dict[str, list[str]]:
    """'chapter (language)' -> what keeps that edition from being released, for editions that have a catalog."""
    found = {}
    for chapter in chapters or chapter_names():
        for language in editions(chapter):
            trouble = problems(chapter, language)
            if trouble:
                found[f"{chapter} ({language})"] = [str(problem) for problem in trouble]
    return found


def release(chapters: list[str] | None = None, target_root: Path = CHAPTERS_DIR) -> list[str]:
    chapters = chapters or chapter_names()
    for chapter in chapters:
        generate_chapter(chapter, target_root / chapter)
    return chapters


def drifting_chapters(chapters: list[str] | None = None) -> list[str]:
    """Chapters whose committed release differs from a fresh generation (or is missing)."""
    chapters = chapters or chapter_names()
    drifting = []
    with tempfile.TemporaryDirectory(prefix="dlcourse-release-") as tmp:
        fresh_root = Path(tmp)
        release(chapters, fresh_root)
        for chapter in chapters:
            if not _same_tree(fresh_root / chapter, CHAPTERS_DIR / chapter):
                drifting.append(chapter)
    stale = [path.name for path in CHAPTERS_DIR.glob("*") if path.is_dir() and path.name not in chapter_names()]
    return drifting + stale


def _same_tree(left: Path, right: Path) -> bool:
    if not right.is_dir():
        return False
    comparison = filecmp.dircmp(left, right, ignore=[".ipynb_checkpoints", "__pycache__"])
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(left / sub, right / sub) for sub in comparison.common_dirs)
