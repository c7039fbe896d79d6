"""Translation catalogs: the Chinese edition's text, keyed by the English cells it translates.

English is the source. ``docs/zh/catalogs/NN_slug.json`` holds, for every
Markdown cell of ``solutions/NN_slug/NN_slug.ipynb`` (teaching text, essay
questions and, inside their solution regions, rubrics and model answers),
the cell's id, a hash of the English text it translates and the translation.
Code cells are shared by both editions and never translated, so every test,
grade id and point value is the same.

``python -m grader.translations stub NN_slug`` writes a catalog with an
entry for every Markdown cell (new or changed cells get an empty ``zh``);
``python -m grader.translations status [NN_slug ...]`` lists what is missing
or stale. ``grader release`` builds ``NN_slug.zh.ipynb`` from a complete,
fresh catalog, and ``grader release --check`` fails naming the cells whose
English changed after they were translated.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.paths import REPO_ROOT, chapter_names, solution_notebook

LANGUAGES = ("zh",)
CATALOGS_DIR = REPO_ROOT / "docs" / "{language}" / "catalogs"


def english_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def catalog_path(chapter: str, language: str = "zh") -> Path:
    return Path(str(CATALOGS_DIR).format(language=language)) / f"{chapter}.json"


def translatable(cell: NotebookNode) -> bool:
    return cell.cell_type == "markdown" and bool(cell.source.strip())


@dataclass
class Problem:
    cell_id: str
    kind: str  # "missing" | "stale" | "orphan"

    def __str__(self) -> str:
        reasons = {"missing": "has no translation", "stale": "changed in English since it was translated",
                   "orphan": "is translated but no longer in the English notebook"}
        return f"cell {self.cell_id} {reasons[self.kind]}"


def load(chapter: str, language: str = "zh") -> dict | None:
    path = catalog_path(chapter, language)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def editions(chapter: str) -> list[str]:
    """The languages this chapter has a catalog for (its other editions)."""
    return [language for language in LANGUAGES if catalog_path(chapter, language).is_file()]


def problems(chapter: str, language: str = "zh", notebook: NotebookNode | None = None) -> list[Problem]:
    """What keeps the catalog from translating the current English notebook."""
    catalog = load(chapter, language) or {"cells": []}
    notebook = notebook or nbformat.read(solution_notebook(chapter), as_version=4)
    entries = {entry["id"]: entry for entry in catalog["cells"]}
    found = []
    for cell in notebook.cells:
        if not translatable(cell):
            continue
        entry = entries.pop(cell.id, None)
        if entry is None or not entry.get(language, "").strip():
            found.append(Problem(cell.id, "missing"))
        elif entry["en_sha256"] != english_hash(cell.source):
            found.append(Problem(cell.id, "stale"))
    found += [Problem(cell_id, "orphan") for cell_id in entries]
    return found


def translated(notebook: NotebookNode, chapter: str, language: str = "zh") -> NotebookNode:
    """A copy of the English notebook with every Markdown cell replaced by its translation.

    Raises ValueError naming the cells when the catalog is incomplete or stale.
    """
    trouble = problems(chapter, language, notebook)
    if trouble:
        raise ValueError(f"{chapter} ({language}): " + "; ".join(str(p) for p in trouble[:5])
                         + (f"; and {len(trouble) - 5} more" if len(trouble) > 5 else ""))
    entries = {entry["id"]: entry[language] for entry in load(chapter, language)["cells"]}
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in copy.cells:
        if translatable(cell):
            cell.source = entries[cell.id]
    copy.metadata.setdefault("dlcourse", {})["language"] = language  # grader check answers in it
    return copy


def write_stub(chapter: str, language: str = "zh") -> Path:
    """Create or refresh a catalog: keep fresh translations, empty the stale ones, add new cells."""
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    old = {entry["id"]: entry for entry in (load(chapter, language) or {"cells": []})["cells"]}
    cells = []
    for cell in notebook.cells:
        if not translatable(cell):
            continue
        digest = english_hash(cell.source)
        entry = old.get(cell.id)
        text = entry[language] if entry and entry["en_sha256"] == digest else ""
        cells.append({"id": cell.id, "en_sha256": digest, language: text})
    path = catalog_path(chapter, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"chapter": chapter, "language": language, "cells": cells},
                               ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("stub", "status"):
        print("usage: python -m grader.translations {stub,status} [NN_slug ...]", file=sys.stderr)
        return 2
    chapters = args[1:] or (chapter_names() if args[0] == "status" else [])
    unknown = sorted(set(chapters) - set(chapter_names()))
    if unknown or not chapters:
        print(f"name chapters from: {', '.join(chapter_names())}", file=sys.stderr)
        return 2
    worst = 0
    for chapter in chapters:
        if args[0] == "stub":
            print(f"wrote {write_stub(chapter).relative_to(REPO_ROOT)}")
            continue
        if not editions(chapter):
            print(f"{chapter}: no Chinese catalog yet")
            continue
        trouble = problems(chapter)
        print(f"{chapter}: " + ("complete" if not trouble else f"{len(trouble)} problem(s)"))
        for problem in trouble:
            print(f"  {problem}")
        worst = max(worst, 1 if trouble else 0)
    return worst


if __name__ == "__main__":
    sys.exit(main())
