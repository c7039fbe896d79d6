"""The web book's site theme, built once from the source vendored in docs/book/theme/.

Jupyter Book 2 (mystmd) downloads a prebuilt theme from api.mystmd.org at
build time; the course builds offline, so the theme's source (myst-theme's
``themes/book``, see docs/book/theme/UPSTREAM.md) is built here instead:
``npm ci`` from the committed package-lock.json, then ``npm run build``.
The result is cached under a key made of the theme folder's files, so it is
built once per change of the theme, not per book build; mystmd finds its
``node_modules`` there and installs nothing.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from grader.book_outputs import cache_dir
from grader.paths import REPO_ROOT

THEME_SOURCE = REPO_ROOT / "docs" / "book" / "theme"
# Made by npm or the build inside a copy of the theme; never part of its identity.
_BUILT_NAMES = {"node_modules", "build", "public", "remix.config.js", ".cache"}


class ThemeBuildError(RuntimeError):
    """The theme could not be built (npm missing, or npm failed): one line saying which."""


def theme_key() -> str:
    """A hash of the theme's source files (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(THEME_SOURCE.rglob("*")):
        relative = path.relative_to(THEME_SOURCE)
        if path.is_file() and not _BUILT_NAMES.intersection(relative.parts) and relative != Path("app/styles/app.css"):
            digest.update(str(relative).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def built_theme() -> Path:
    """The folder of the built theme (a mystmd site template), building it first when it is not cached."""
    target = cache_dir() / "theme" / theme_key()
    if (target / ".complete").is_file():
        return target
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise ThemeBuildError("Node.js and npm are needed to build the book's theme once: "
                              "`make system-packages` installs Debian's nodejs and npm")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(THEME_SOURCE, partial, ignore=shutil.ignore_patterns(*_BUILT_NAMES))
    # --ignore-scripts as mystmd itself installs themes: no package runs code at install time.
    _npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund"], partial)
    _npm(["run", "build"], partial)
    (partial / ".complete").write_text(theme_key() + "\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    for stale in target.parent.iterdir():
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)
    return target


def _npm(arguments: list[str], folder: Path) -> None:
    """Run npm in ``folder``; on failure raise with the last line npm printed."""
    done = subprocess.run(["npm", *arguments], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        raise ThemeBuildError(f"`npm {' '.join(arguments)}` failed in {folder}: "
                              f"{lines[-1] if lines else 'exit status ' + str(done.returncode)}")


def main() -> int:
    """``python -m grader.book_theme``: build the theme if needed (the step that may use the npm registry)."""
    try:
        print(f"book theme: {built_theme()}")
    except ThemeBuildError as error:
        print(f"Cannot build the book's theme: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
