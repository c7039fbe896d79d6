"""chapters/ is generated from solutions/, deterministically, clean, with nothing hidden leaking."""
from __future__ import annotations

import ast
import shutil

import nbformat
import pytest

from grader import cli
from grader import release as release_module
from grader.paths import (
    CHAPTERS_DIR,
    CHECK_CELL_ID,
    REPO_ROOT,
    SOLUTIONS_DIR,
    chapter_names,
    chapter_notebook,
    solution_notebook,
)
from tests.contract import CONTRACT
from tests.notebook_variants import answer_cell_ids, grade_cell_ids, nbgrader_meta

CHAPTERS = chapter_names()
ALL_NOTEBOOKS = sorted(SOLUTIONS_DIR.glob("*/*.ipynb")) + sorted(CHAPTERS_DIR.glob("*/*.ipynb"))


def test_there_are_chapters():
    assert CHAPTERS[:2] == ["00_start_here", "01_gradient_descent"]
    assert sorted(p.name for p in CHAPTERS_DIR.iterdir() if p.is_dir()) == CHAPTERS


def test_chapters_in_sync_with_solutions():
    assert release_module.drifting_chapters() == [], "run `python -m grader release`"


def test_release_is_deterministic(tmp_path):
    release_module.release(["00_start_here"], tmp_path / "first")
    release_module.release(["00_start_here"], tmp_path / "second")
    first = (tmp_path / "first" / "00_start_here" / "00_start_here.ipynb").read_bytes()
    second = (tmp_path / "second" / "00_start_here" / "00_start_here.ipynb").read_bytes()
    assert first == second


def test_release_check_names_a_drifting_chapter(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "chapters"
    shutil.copytree(CHAPTERS_DIR / "00_start_here", copy / "00_start_here")
    notebook = copy / "00_start_here" / "00_start_here.ipynb"
    notebook.write_text(notebook.read_text().replace("Welcome", "Hello"))
    monkeypatch.setattr(release_module, "CHAPTERS_DIR", copy)
    assert cli.main(["release", "--check", "00_start_here"]) == 1
    assert "00_start_here" in capsys.readouterr().out


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_notebook_is_clean_valid_nbformat4(path):
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert notebook.nbformat == 4
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs; store notebooks clean"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} has an execution count"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_release_hides_solutions_and_hidden_tests(chapter):
    release_text = chapter_notebook(chapter).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release_text
    solution = nbformat.read(solution_notebook(chapter), as_version=4)
    hidden_lines, public_text = set(), []
    for cell in solution.cells:
        parts = cell.source.split("### BEGIN HIDDEN TESTS")
        public_text.append(parts[0])
        for part in parts[1:]:
            hidden, _, after = part.partition("### END HIDDEN TESTS")
            hidden_lines.update(line.strip() for line in hidden.splitlines() if len(line.strip()) > 25)
            public_text.append(after)
    public = "\n".join(public_text)
    leaked = [line for line in hidden_lines if line in release_text and line not in public]
    assert not leaked, f"hidden test lines leaked into the release: {leaked}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_follows_the_conventions(chapter):
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    assert notebook.metadata["dlcourse"]["chapter"] == chapter
    last = notebook.cells[-1]
    assert last.id == CHECK_CELL_ID and nbgrader_meta(last).get("locked"), "the last cell is Check your work"
    assert f'check_your_work("{chapter}")' in last.source
    answers = answer_cell_ids(notebook)
    for test in grade_cell_ids(notebook):
        cell = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == test)
        if cell.cell_type == "markdown":
            continue  # a manually graded written answer
        owners = [a for a in answers if test.startswith(f"test_{a}_")]
        assert len(owners) == 1, f"{test} must be named test_<answer cell id>_<aspect>"
        docstring = ast.get_docstring(ast.parse(cell.source))
        assert docstring and "\n" not in docstring.strip(), f"{test} needs a one-line docstring"
    # cell ids are fixed in the source, so releases are reproducible
    assert all(cell.get("id") for cell in notebook.cells)


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c in CONTRACT])
def test_graded_names_and_signatures_match_the_curriculum(chapter):
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    definitions = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    definitions[node.name] = [a.arg for a in node.args.args]
                elif isinstance(node, ast.ClassDef):
                    init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
                    definitions[node.name] = [a.arg for a in init.args.args[1:]] if init else []
    for name, parameters in CONTRACT[chapter].items():
        assert name in definitions, f"{chapter} must define {name} in an answer cell"
        if parameters:
            assert definitions[name] == parameters, f"{name}{tuple(definitions[name])} != contract {tuple(parameters)}"
