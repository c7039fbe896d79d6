"""What the web book shows under each cell: the outputs of the executed *solution*, cached by content.

A release notebook's stubs raise ``NotImplementedError``, so running it would
give a book of tracebacks. The solution runs instead; ``grader.book`` then keeps
only the outputs of cells that are neither solutions nor tests (see
``grader.cells``), so figures appear and answers do not.

Executing every chapter in both editions takes minutes on two cores, so each
executed notebook is cached under a key made of everything its outputs depend
on: the solution folder's files, dlcourse's Python sources, the edition. A
change to any of them re-executes what it affects (a dlcourse change: every
chapter). The data in datasets/ is not hashed: it changes rarely, and
deleting the cache folder rebuilds everything.
"""
from __future__ import annotations

import copy
import hashlib
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from grader.cells import is_check_cell
from grader.paths import REPO_ROOT, SOLUTIONS_DIR, solution_notebook

# Bump when the way outputs are produced changes, so old cache entries are not reused.
_FORMAT = "book-outputs-2"
# The grader's own per-cell limit. A cell of a solution takes seconds; a run that sits longer is stuck
# (we saw one kernel in ~60 runs never answer a request) and is started again, once.
CELL_TIMEOUT = 180
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


class SolutionFailed(RuntimeError):
    """A solution notebook raised while it ran for the book: one line naming the chapter and the error."""


def cache_dir() -> Path:
    """$DLCOURSE_BOOK_CACHE, else the user's cache folder (beside the grader's generated courses)."""
    if os.environ.get("DLCOURSE_BOOK_CACHE"):
        return Path(os.environ["DLCOURSE_BOOK_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlcourse" / "book"


# Files a run writes beside its notebook (see .gitignore): hashing them would change the key by running.
_GENERATED = {"__pycache__", ".ipynb_checkpoints", "my_functions.pkl", "ddp_results"}


def outputs_key(chapter: str, language: str) -> str:
    """A hash of everything the executed solution depends on: its folder, dlcourse, the edition."""
    digest = hashlib.sha256(f"{_FORMAT}|{chapter}|{language}".encode())
    sources = sorted((SOLUTIONS_DIR / chapter).rglob("*")) + sorted((REPO_ROOT / "dlcourse").rglob("*.py"))
    for path in sources:
        if path.is_file() and not _GENERATED.intersection(path.parts):
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def executed_solution(chapter: str, language: str = "en") -> NotebookNode:
    """The solution of ``chapter`` executed in ``language``'s edition, from the cache when it is fresh."""
    cached = cache_dir() / "outputs" / f"{chapter}.{language}.{outputs_key(chapter, language)}.ipynb"
    if cached.is_file():
        return nbformat.read(cached, as_version=4)
    try:
        try:
            notebook = _execute(chapter, language)
        except (CellTimeoutError, DeadKernelError):
            notebook = _execute(chapter, language)
    except CellExecutionError as error:
        raise SolutionFailed(f"the solution of {chapter} ({language}) raised {error.ename}: "
                             f"{str(error.evalue).splitlines()[0] if error.evalue else ''}") from error
    cached.parent.mkdir(parents=True, exist_ok=True)
    for stale in cached.parent.glob(f"{chapter}.{language}.*.ipynb"):
        stale.unlink()
    partial = cached.with_suffix(".tmp")
    nbformat.write(notebook, partial)
    partial.replace(cached)  # a build interrupted half-way leaves no truncated entry
    return notebook


def _execute(chapter: str, language: str) -> NotebookNode:
    """Run the solution as a learner's kernel would: from its folder, without the *Check your work* cell.

    JPY_SESSION_NAME is what Jupyter Server tells a kernel about its notebook;
    dlcourse reads the edition from it, so the Chinese pages get Chinese
    widget labels and messages. Widget state is stored so that
    ``static_widget_outputs`` can lift the figures out of it.
    """
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    notebook.cells = [cell for cell in notebook.cells if not is_check_cell(cell)]
    edition = f"{chapter}.ipynb" if language == "en" else f"{chapter}.{language}.ipynb"
    env = {**os.environ, "JPY_SESSION_NAME": str(REPO_ROOT / "chapters" / chapter / edition),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = _SnapshotClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(SOLUTIONS_DIR / chapter)}})
    client.execute(env=env)  # nbclient hands keywords of execute() to the kernel manager's start_kernel
    return notebook


class _SnapshotClient(NotebookClient):
    """nbclient's client, with its stored widget state keyed before an Output widget writes to it.

    nbclient mimics a front end for ``Output`` widgets: output sent while one
    captures is kept by the widget and copied into ``widget_state[comm_id]``.
    That copy raises KeyError when the widget's entry is missing (nbclient
    0.11), which kills the task reading the kernel's output; the cell then
    waits for the full cell timeout (we saw 600 s for a 1 s cell). Creating
    the entry first keeps every message flowing; the state is still nbclient's.
    """

    def handle_comm_msg(self, outs: list, msg: dict, cell_index: int) -> None:
        self.widget_state.setdefault(msg["content"]["comm_id"], {})
        super().handle_comm_msg(outs, msg, cell_index)


def static_widget_outputs(outputs: list, notebook: NotebookNode) -> list:
    """``outputs`` with each widget view replaced by what its Output widgets last showed.

    A static page has no kernel to draw a widget, and the book has no widget
    manager; but every dlcourse widget draws its figure into an ipywidgets
    ``Output``, whose captured outputs nbclient stores in the notebook's
    widget state. Those outputs (PNG figures, text) are lifted into the cell,
    in the order the widget lays them out; sliders and buttons are dropped.
    """
    state = notebook.metadata.get("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    lifted = []
    for output in outputs:
        view = output.get("data", {}).get(_WIDGET_VIEW) if output.get("output_type") in ("display_data",
                                                                                          "execute_result") else None
        if view is None:
            lifted.append(output)
            continue
        lifted.extend(nbformat.from_dict(copy.deepcopy(captured))
                      for captured in _captured_outputs(view.get("model_id", ""), state, set()))
    return lifted


def _captured_outputs(model_id: str, state: dict, seen: set) -> list:
    """Outputs held by the Output widgets in the widget tree rooted at ``model_id``, depth first."""
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    if model.get("model_name") == "OutputModel":
        return list(model.get("state", {}).get("outputs", []))
    found = []
    for child in model.get("state", {}).get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            found += _captured_outputs(child.removeprefix("IPY_MODEL_"), state, seen)
    return found


def main(argv: list[str] | None = None) -> int:
    """Execute (or find cached) the given chapters in both editions: ``python -m grader.book_outputs CH...``."""
    from grader.paths import chapter_names
    from grader.translations import editions

    for chapter in (argv if argv is not None else sys.argv[1:]) or chapter_names():
        for language in ["en", *editions(chapter)]:
            executed_solution(chapter, language)
            print(f"executed {chapter} ({language})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
