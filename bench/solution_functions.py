"""Load a chapter's *solution* functions into a namespace, for side-by-side timing with torch."""
from __future__ import annotations

import nbformat

from grader.paths import solution_notebook


def load_solution_namespace(chapter: str) -> dict:
    """Run the chapter's first code cell (imports) and all of its answer cells; return the namespace.

    Only answer cells are run, so no training happens; the device printout of
    the first cell is harmless.
    """
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    namespace: dict = {"__name__": f"bench_{chapter}"}
    exec(compile(code_cells[0].source, f"{chapter}:setup", "exec"), namespace)
    for cell in code_cells[1:]:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            exec(compile(cell.source, f"{chapter}:{meta.get('grade_id')}", "exec"), namespace)
    return namespace
