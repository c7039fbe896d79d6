"""Reading learner notebooks defensively and finding which chapter they belong to."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.cells import is_check_cell
from grader.errors import UngradableError
from grader.i18n import notebook_language, tr
from grader.paths import SOLUTIONS_DIR, chapter_names

SUPPORTED_NBFORMAT = 4
NO_SOLUTIONS = ("this copy of the course has no solutions/ folder to grade against (a student's server on a "
                "JupyterHub has none). Submit the assignment from the Assignments tab: your instructor's feedback "
                "gives the score.")


def read_notebook(path: Path) -> NotebookNode:
    """Parse and validate a notebook, or raise UngradableError with a one-line reason."""
    if not path.exists():
        raise UngradableError(f"{path} does not exist; give the path of your saved .ipynb file.")
    if not path.is_file():
        raise UngradableError(f"{path} is not a file; give the path of your saved .ipynb file.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UngradableError(
            f"{path.name} is not UTF-8 text (byte {error.start}); it is not a saved Jupyter notebook."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UngradableError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}): "
            "restore it from JupyterLab's checkpoint (File > Revert) or re-download the chapter."
        ) from None
    version = data.get("nbformat") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SUPPORTED_NBFORMAT:
        raise UngradableError(
            f"{path.name} uses notebook format {version}, newer than this grader reads "
            f"({SUPPORTED_NBFORMAT}.x); save it from this course's JupyterLab or re-download the chapter."
        )
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated types
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UngradableError(f"{path.name} is not a valid Jupyter notebook: {reason[:160]}") from None
    return notebook


def chapter_of(notebook: NotebookNode, path: Path) -> str:
    """The chapter a notebook belongs to: its metadata first, then its file or folder name."""
    known = chapter_names() if SOLUTIONS_DIR.is_dir() else []
    if not known:
        # A student's server on the course's JupyterHub sees no solutions/ (grader/hub_session.py).
        raise UngradableError(tr(NO_SOLUTIONS, notebook_language(notebook.metadata)))
    recorded = notebook.metadata.get("dlcourse", {}).get("chapter")
    candidates = [recorded, path.stem, path.parent.name]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate in known:
            return candidate
    raise UngradableError(
        f"{path.name} is not a chapter of this course (metadata says {recorded!r}); "
        f"known chapters: {', '.join(known)}."
    )


def without_check_cell(notebook: NotebookNode) -> NotebookNode:
    """A copy of the notebook minus the *Check your work* cell."""
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    copy.cells = [cell for cell in copy.cells if not is_check_cell(cell)]
    return copy

