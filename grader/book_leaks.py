"""Does the built web book show any answer? Every solution and hidden-test line, searched in the site.

The book is built from the release notebooks, with outputs of the executed
solution merged in only for cells that are neither solutions nor tests; this
check does not trust that: it reads every line nbgrader would strip from
``solutions/`` (solution regions, whole solution cells such as essay rubrics
and model answers, hidden-test regions) and looks for each one in the text of
every page and data file of the site.

Lines too generic to mean anything are skipped: lines shorter than
``MIN_LINE_LENGTH`` characters (``return out``, ``else:``), lines without a
letter, and lines that also occur in a release notebook, whole or as part of a
line (a hidden test that repeats a visible test's call, a solution that
repeats the exercise's own scaffolding: both are shown to every learner).
"""
from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.cells import is_solution
from grader.paths import CHAPTERS_DIR, chapter_names, solution_notebook

MIN_LINE_LENGTH = 16
_REGIONS = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
# Files of the site whose text a reader can see or fetch; the theme's JavaScript holds no course text.
_TEXT_SUFFIXES = {".html", ".json", ".txt", ".xml", ".md", ".ipynb"}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SecretLine:
    chapter: str
    cell_id: str
    text: str


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _region_lines(source: str) -> list[str]:
    """Lines between nbgrader's BEGIN/END markers (solution and hidden-test regions)."""
    lines, inside = [], None
    for line in source.splitlines():
        marker = line.strip()
        begins = [end for begin, end in _REGIONS if marker.startswith(begin)]
        if begins:
            inside = begins[0]
        elif inside and marker.startswith(inside):
            inside = None
        elif inside:
            lines.append(line)
    return lines


def secret_lines(chapters: list[str] | None = None) -> list[SecretLine]:
    """Every meaningful line nbgrader keeps out of the release, from every chapter's solution notebook."""
    public = _release_text()
    found = []
    for chapter in chapters or chapter_names():
        for cell in nbformat.read(solution_notebook(chapter), as_version=4).cells:
            lines = _region_lines(cell.source)
            if is_solution(cell) and not lines and "### BEGIN" not in cell.source:
                lines = cell.source.splitlines()  # nbgrader replaces a marker-less solution cell whole
            for line in lines:
                text = _normal(line)
                if len(text) >= MIN_LINE_LENGTH and re.search(r"[^\W\d_]", text) and text not in public:
                    found.append(SecretLine(chapter, cell.get("id", "?"), text))
    return found


@functools.lru_cache(maxsize=1)
def _release_text() -> str:
    """Every line of every release notebook, one per line (read once per process)."""
    return "\n".join(_normal(line) for path in sorted(CHAPTERS_DIR.glob("*/*.ipynb"))
                     for cell in nbformat.read(path, as_version=4).cells for line in cell.source.splitlines())


def site_text(site: Path) -> dict[Path, str]:
    """The readable text of each page and data file: HTML without tags, JSON's strings one per line."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in _TEXT_SUFFIXES:
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix in (".json", ".ipynb"):
            try:
                raw = "\n".join(_strings(json.loads(raw)))
            except ValueError:
                pass
        else:
            raw = raw + "\n" + html.unescape(_TAG.sub("", raw))  # code is split into highlighted spans
        texts[path] = _normal(raw)
    return texts


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def find_leaks(site: Path, secrets: list[SecretLine] | None = None) -> list[tuple[SecretLine, Path]]:
    """(secret line, file) for every secret line found in the site; empty when the book shows no answer."""
    secrets = secret_lines() if secrets is None else secrets
    texts = site_text(site)
    return [(secret, path) for secret in secrets for path, text in texts.items() if secret.text in text]
