"""Preprocessors we add to nbgrader's pipeline through its own configuration."""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool


class StderrIsNotFailure(Preprocessor):
    """Relabel stderr in test cells as stdout, so a warning is not a zero.

    nbgrader scores a test cell 0 if it printed anything on stderr, which turns
    a harmless DeprecationWarning (or tqdm's bar) into a lost grade. A failing
    test raises an exception, and that error output is left untouched.
    """

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = "".join(f"[stderr] {line}" for line in output.text.splitlines(True))
        return cell, resources
