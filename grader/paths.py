"""Where things live in the repository, and the fixed ids the grader relies on."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
CHAPTERS_DIR = REPO_ROOT / "chapters"

# The locked last cell of every chapter. The grader drops it before executing a
# notebook, so grading never recurses into itself.
CHECK_CELL_ID = "check-your-work"

# Files that never belong in a generated chapter.
IGNORED_NAMES = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


def chapter_names() -> list[str]:
    """Every chapter that has a solution notebook, in course order."""
    return sorted(
        path.name for path in SOLUTIONS_DIR.iterdir()
        if path.is_dir() and (path / f"{path.name}.ipynb").is_file()
    )


def solution_notebook(chapter: str) -> Path:
    return SOLUTIONS_DIR / chapter / f"{chapter}.ipynb"


def chapter_notebook(chapter: str) -> Path:
    return CHAPTERS_DIR / chapter / f"{chapter}.ipynb"
