"""Feedback never shows hidden tests, between whatever delimiters the course configures for nbgrader."""
from __future__ import annotations

import nbformat
import pytest
from traitlets.config import Config

from grader.cells import is_graded, is_locked_code, is_solution, is_test
from grader.classroom import configure
from grader.preprocessors import HIDDEN_PLACEHOLDER, WITHHELD, HideHiddenTests


def _test_cell(source: str, output_text: str = "") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "test_x",
                                 "points": 1, "schema_version": 3}
    if output_text:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output_text)]
    return cell


def _feedback(config: Config, begin: str, end: str) -> nbformat.NotebookNode:
    secret = "assert secret_answer(12345) == 67890"
    notebook = nbformat.v4.new_notebook(cells=[
        _test_cell(f"assert visible()\n# {begin}\n{secret}\n# {end}\n", output_text=f"leaked: {secret}\n"),
    ])
    HideHiddenTests(config=config).preprocess(notebook, {})
    return notebook


@pytest.mark.parametrize("begin, end", [("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
                                        ("BEGIN SECRET CHECKS", "END SECRET CHECKS")])
def test_hidden_tests_never_reach_feedback_with_the_configured_delimiters(tmp_path, begin, end):
    config = Config()
    configure(config, tmp_path, sandbox={})  # the course's own configuration, as nbgrader_config.py applies it
    config.ClearHiddenTests.begin_test_delimeter = begin  # what an instructor sets for nbgrader
    config.ClearHiddenTests.end_test_delimeter = end
    assert "grader.preprocessors.HideHiddenTests" in config.GenerateFeedback.preprocessors
    cell = _feedback(config, begin, end).cells[0]
    assert "secret_answer" not in cell.source and "assert visible()" in cell.source
    assert HIDDEN_PLACEHOLDER in cell.source
    assert cell.outputs[0].text == WITHHELD, "output quoting a hidden line is withheld"


def test_other_delimiters_than_the_configured_ones_are_left_alone():
    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "BEGIN SECRET CHECKS"
    config.ClearHiddenTests.end_test_delimeter = "END SECRET CHECKS"
    cell = _feedback(config, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS").cells[0]
    assert "secret_answer" in cell.source  # what nbgrader itself would not treat as hidden either


def test_cell_kinds_come_from_nbgrader_metadata():
    test = _test_cell("assert True")
    answer = nbformat.v4.new_code_cell("x = 1")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "x"}
    plain = nbformat.v4.new_code_cell("y = 2")
    assert is_test(test) and is_graded(test) and is_locked_code(test) and not is_solution(test)
    assert is_solution(answer) and not is_test(answer) and not is_locked_code(answer)
    assert not any(check(plain) for check in (is_test, is_graded, is_solution, is_locked_code))
