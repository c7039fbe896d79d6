"""Every dataset's DATASHEET.md names every chapter that loads it.

The loaders of dlcourse/data.py say which dataset folder each one reads (the `_dataset_file(NAME, ...)`
call in its body); the solution notebooks say which loaders each chapter calls. A chapter that loads a
dataset must be named in that dataset's datasheet ("chapter 09", "chapters 10 and 11"), so the
datasheet's account of how its data are used stays true as chapters are added.
"""
from __future__ import annotations

import ast
import re

import nbformat
import pytest

from dlcourse import data
from grader.paths import SOLUTIONS_DIR

DATA_MODULE = data.__file__
DATASETS_DIR = data.DATASETS_DIR


def datasets_read_by_loader() -> dict[str, set[str]]:
    """{loader name: dataset folders it reads}: the _dataset_file calls in each load_* function, or, for data
    that ship inside a package, the datasets/NAME folder its docstring points to."""
    tree = ast.parse(open(DATA_MODULE, encoding="utf-8").read())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}

    def folders(function, seen):
        found = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = node.func.id
                if callee == "_dataset_file" and node.args and isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
                elif callee in functions and callee not in seen:  # a loader built on a helper
                    found |= folders(functions[callee], seen | {callee})
        docstring = ast.get_docstring(function) or ""
        return found or set(re.findall(r"datasets/(\w+)", docstring))  # data shipped by a package: named in the docstring

    return {name: folders(node, {name}) for name, node in functions.items() if name.startswith("load_")}


LOADERS = datasets_read_by_loader()


def chapter_uses() -> list[tuple[str, str, str]]:
    """(chapter folder, loader, dataset folder) for every loader call in every solution notebook's code."""
    uses = set()
    for path in sorted(SOLUTIONS_DIR.glob("*/*.ipynb")):
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for loader, folders in LOADERS.items():
            if re.search(rf"\b{loader}\s*\(", code):
                uses |= {(path.parent.name, loader, folder) for folder in folders}
    return sorted(uses)


USES = chapter_uses()


def names_chapter(datasheet: str, number: str) -> bool:
    """True if the text names chapter `number` ("chapter 09", "chapters 05 and 06", "chapters 09, 11 and 12")."""
    return re.search(rf"chapters?\b[^.;]{{0,80}}?\b{number}\b", datasheet, re.I) is not None


def test_every_loader_reads_a_dataset_with_a_datasheet():
    assert LOADERS, "no load_* function found in dlcourse/data.py"
    for loader, folders in LOADERS.items():
        assert folders, f"{loader} reads no datasets/NAME folder through _dataset_file"
        for folder in folders:
            assert (DATASETS_DIR / folder / "DATASHEET.md").is_file(), f"datasets/{folder} has no DATASHEET.md"


def test_chapters_load_datasets():
    assert {chapter for chapter, _, _ in USES} >= {"01_gradient_descent", "13_society_law_and_accountability"}


@pytest.mark.parametrize("chapter, loader, folder", USES, ids=[f"{c}:{f}" for c, _, f in USES])
def test_datasheet_names_the_chapter(chapter, loader, folder):
    datasheet = (DATASETS_DIR / folder / "DATASHEET.md").read_text(encoding="utf-8")
    number = chapter[:2]
    assert names_chapter(datasheet, number), \
        f"chapter {number} calls {loader}, but datasets/{folder}/DATASHEET.md never names chapter {number}"


def test_names_chapter_reads_lists_and_rejects_other_numbers():
    assert names_chapter("Used in chapters 05 and 06 (RNNs).", "06")
    assert names_chapter("chapter 09's re-identification experiment", "09")
    assert not names_chapter("Used in chapters 05 and 06. Version 13 of the file.", "13")
