"""The *Check your work* cell: grade the saved notebook in a separate process."""
from __future__ import annotations

import datetime as _dt
import os
import subprocess
import sys
from pathlib import Path

from dlcourse.i18n import language, running_notebook, translate


def _notebook_path(chapter: str) -> Path:
    """Where the learner's notebook is saved.

    The front end tells the kernel the notebook's path (``running_notebook``: JupyterLab,
    Notebook 7, VS Code); otherwise we fall back to ``<chapter>.ipynb`` in the working
    directory, which is the notebook's own folder when Jupyter starts the kernel.
    """
    session_path = running_notebook()
    if session_path.endswith(".ipynb") and Path(session_path).is_file():
        return Path(session_path)
    return Path.cwd() / f"{chapter}.ipynb"


def check_your_work(chapter: str, notebook: str | os.PathLike | None = None) -> int:
    """Grade the *saved* notebook with ``python -m grader check`` and print the table.

    Returns the grader's exit status (0 graded, 2 could not grade).
    """
    path = Path(notebook) if notebook is not None else _notebook_path(chapter)
    lang = language(path)  # a Chinese-edition notebook (NN_slug.zh.ipynb) is checked in Chinese
    if not path.is_file():
        print(translate("Cannot find the saved notebook {path}. Save it (Ctrl+S), or pass its path: "
                        "dl.check_your_work({chapter!r}, 'path/to/{chapter}.ipynb').", lang, path=path, chapter=chapter))
        return 2
    saved = _dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")
    print(translate("Grading {name} as saved at {saved}. Unsaved edits are not graded: save first (Ctrl+S).", lang,
                    name=path.name, saved=saved))
    print(translate("Running every cell in a fresh kernel; this takes about as long as Run All.", lang) + "\n",
          flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path)],
        capture_output=True, text=True,
    )
    print(result.stdout, end="")
    if result.returncode != 0 and result.stderr.strip():
        print(result.stderr.strip().splitlines()[-1])
    return result.returncode
