"""``python -m grader book``: the course as a static web book (Jupyter Book 2), built offline.

Each page is a release notebook (``chapters/``, both editions) whose non-answer
cells carry the outputs of the executed solution (``grader.book_outputs``), so
a reader sees the exercises as a learner gets them, stubs included, with
every figure, and no answer. Before the pages, a line gives the Binder link
to that chapter and its run time and peak memory from the README's chapter
table. The site template is the theme built from docs/book/theme/
(``grader.book_theme``), so nothing is downloaded while the book is built.
The finished site is searched for every solution and hidden-test line
(``grader.book_leaks``); a hit fails the build.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.book_leaks import find_leaks
from grader.book_outputs import executed_solution, static_widget_outputs
from grader.book_theme import built_theme
from grader.cells import is_check_cell, is_solution, is_test
from grader.paths import CHAPTERS_DIR, REPO_ROOT, chapter_names
from grader.translations import editions

BOOK_SOURCE = REPO_ROOT / "docs" / "book"
DEFAULT_OUT = REPO_ROOT / "_build" / "book"
TITLE = "Deep Learning, Responsibly"
_BINDER = re.compile(r"\((https://mybinder\.org/v2/gh/[^?)\s]+)\?urlpath=lab/tree/chapters/00_start_here/")
_README_ROW = re.compile(r"^\|\s*\[[^\]]*\]\(chapters/(?P<chapter>[^/]+)/[^)]*\)\s*\|.*\|\s*(?P<cost>[^|]*?)\s*\|\s*$")

# What the line above each page says, per edition.
_WORDS = {
    "en": {"launch": "Open this chapter on Binder", "cost": "solution run time, peak memory on a 2-core CPU: {cost}",
           "note": "This page shows the exercises as learners get them, with the figures of a solved run; "
                   "no answer and no hidden test is shown.",
           "chapters": "Chapters"},
    "zh": {"launch": "在 Binder 上打开本章", "cost": "参考解答在 2 核 CPU 上的运行时间、内存峰值：{cost}",
           "note": "本页展示学习者拿到的练习，以及参考解答运行后的图表；不含答案，也不含隐藏测试。",
           "chapters": "章节", "edition": "中文版"},
}


class BookError(RuntimeError):
    """The book cannot be built from this input: one line saying why."""


@dataclass(frozen=True)
class Page:
    chapter: str
    language: str

    @property
    def release_name(self) -> str:
        return f"{self.chapter}.ipynb" if self.language == "en" else f"{self.chapter}.{self.language}.ipynb"

    @property
    def source_path(self) -> str:
        """Where the page lives in the book project; one folder per edition keeps the two URLs apart."""
        return f"{self.language}/{self.chapter}.ipynb"


def pages(chapters: list[str] | None = None) -> list[Page]:
    """Every page in course order: each chapter's English edition, then its other released editions."""
    found = []
    for chapter in chapters or chapter_names():
        if not (CHAPTERS_DIR / chapter / f"{chapter}.ipynb").is_file():
            raise BookError(f"chapters/{chapter}/{chapter}.ipynb is missing: run `python -m grader release`")
        found.append(Page(chapter, "en"))
        found += [Page(chapter, language) for language in editions(chapter)
                  if (CHAPTERS_DIR / chapter / f"{chapter}.{language}.ipynb").is_file()]
    return found


def binder_base(readme: str) -> str:
    """The README badge's Binder address without its urlpath: the one place the repository URL is written."""
    match = _BINDER.search(readme)
    if not match:
        raise BookError("README.md has no Binder badge opening chapters/00_start_here")
    return match.group(1)


def binder_link(page: Page, readme: str) -> str:
    return f"{binder_base(readme)}?urlpath=lab/tree/chapters/{page.chapter}/{page.release_name}"


def chapter_costs(readme: str) -> dict[str, str]:
    """chapter -> "5 s, 298 MB", the last column of the README's chapter table (measured by `make bench`)."""
    return {match["chapter"]: match["cost"] for line in readme.splitlines()
            if (match := _README_ROW.match(line.strip()))}


def page_notebook(page: Page, readme: str) -> NotebookNode:
    """The release notebook with the solved run's outputs in its non-answer cells and a header line."""
    notebook = nbformat.read(CHAPTERS_DIR / page.chapter / page.release_name, as_version=4)
    executed = executed_solution(page.chapter, page.language)
    solved = {cell.get("id"): cell for cell in executed.cells}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source_cell = solved.get(cell.get("id"))
        shown = source_cell is not None and not any(
            check(c) for c in (cell, source_cell) for check in (is_solution, is_test, is_check_cell))
        cell.outputs = static_widget_outputs(source_cell.outputs, executed) if shown else []
        cell.execution_count = source_cell.get("execution_count") if shown else None
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(_header(page, readme), id="book-header"))
    notebook.metadata.pop("widgets", None)
    return notebook


def _header(page: Page, readme: str) -> str:
    words = _WORDS.get(page.language, _WORDS["en"])
    cost = chapter_costs(readme).get(page.chapter)
    parts = [f"[{words['launch']}]({binder_link(page, readme)})"]
    if cost:
        parts.append(words["cost"].format(cost=cost))
    return f"{' · '.join(parts)}\n\n*{words['note']}*"


def landing_page(language: str, book_pages: list[Page], readme: str) -> str:
    """docs/book's hand-written landing page for ``language``, with the chapter list appended."""
    name = "index.md" if language == "en" else f"index.{language}.md"
    text = (BOOK_SOURCE / name).read_text(encoding="utf-8")
    text = text.replace("{binder}", binder_base(readme)).replace("{repository}", repository_url(readme))
    costs = chapter_costs(readme)
    rows = [f"## {_WORDS.get(language, _WORDS['en'])['chapters']}", ""]
    for page in (p for p in book_pages if p.language == language):
        title = _title(CHAPTERS_DIR / page.chapter / page.release_name)
        rows.append(f"- [{title}](./{page.source_path}) — {costs.get(page.chapter, '')}")
    return text.rstrip() + "\n\n" + "\n".join(rows) + "\n"


def repository_url(readme: str) -> str:
    owner_repo = binder_base(readme).removeprefix("https://mybinder.org/v2/gh/").rsplit("/", 1)[0]
    return f"https://github.com/{owner_repo}"


def _title(notebook_path: Path) -> str:
    first = nbformat.read(notebook_path, as_version=4).cells[0].source
    heading = next((line for line in first.splitlines() if line.startswith("# ")), notebook_path.stem)
    return heading.removeprefix("# ").strip()


def project_config(book_pages: list[Page], readme: str, template: Path) -> dict:
    """myst.yml: the table of contents (landing page, each edition in course order) and the local theme."""
    toc = [{"file": "index.md"},  # mystmd: the first entry, the landing page, has no children
           {"title": _WORDS["en"]["chapters"],
            "children": [{"file": p.source_path} for p in book_pages if p.language == "en"]}]
    for language in sorted({p.language for p in book_pages} - {"en"}):
        toc.append({"file": f"{language}/index.md", "title": _WORDS[language]["edition"],
                    "children": [{"file": p.source_path} for p in book_pages if p.language == language]})
    return {
        "version": 1,
        "project": {"title": TITLE, "github": repository_url(readme), "toc": toc,
                    "numbering": {"headings": False},
                    # the pages are generated under _build/: an "edit this page" link would point nowhere
                    "edit_url": None},
        "site": {"template": str(template), "title": TITLE,
                 "options": {"folders": True, "logo_text": TITLE},
                 "actions": [{"title": "Binder", "url": f"{binder_base(readme)}?urlpath=lab/tree/chapters/"
                                                          "00_start_here/00_start_here.ipynb"}]},
    }


def write_project(folder: Path, book_pages: list[Page], readme: str, template: Path) -> None:
    """The Jupyter Book project: myst.yml, landing pages, one notebook per page."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # JSON is YAML: no YAML writer needed, and every string is quoted safely.
    (folder / "myst.yml").write_text(json.dumps(project_config(book_pages, readme, template), indent=2,
                                                ensure_ascii=False), encoding="utf-8")
    (folder / "index.md").write_text(landing_page("en", book_pages, readme), encoding="utf-8")
    for language in sorted({p.language for p in book_pages} - {"en"}):
        (folder / language).mkdir()
        (folder / language / "index.md").write_text(landing_page(language, book_pages, readme).replace(
            f"](./{language}/", "](./"), encoding="utf-8")
    for page in book_pages:
        (folder / page.source_path).parent.mkdir(exist_ok=True)
        nbformat.write(page_notebook(page, readme), folder / page.source_path)


def run_jupyter_book(project: Path) -> Path:
    """``jupyter book build --html`` in ``project``; returns its static site folder.

    The Python package's launcher finds Node.js on PATH (it would offer to
    download one otherwise: JB_ALLOW_NODEENV=no refuses). mystmd serves the pages from the
    local theme and writes them as static HTML.
    """
    if shutil.which("node") is None:
        raise BookError("Node.js is needed to build the book: `make system-packages` installs Debian's nodejs")
    env = {**os.environ, "JB_ALLOW_NODEENV": "no"}
    done = subprocess.run([sys.executable, "-m", "jupyter_book", "build", "--html", "--ci"], cwd=project, env=env,
                          capture_output=True, text=True)
    site = project / "_build" / "html"
    if done.returncode != 0 or not (site / "index.html").is_file():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BookError(f"jupyter book build failed (exit {done.returncode}):\n{tail}")
    return site


def execute_solutions(book_pages: list[Page], workers: int | None = None) -> None:
    """Fill the outputs cache for every page, a few solutions at a time.

    A cold build runs 30 solutions; each is one kernel process, so running them
    side by side (one per core, at most 4: each holds up to 1.5 GB) halves the
    wait on a 2-core machine. Cached pages cost nothing here.
    """
    jobs = [(page.chapter, page.language) for page in book_pages]
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    if workers == 1:
        for job in jobs:
            executed_solution(*job)
        return
    with ProcessPoolExecutor(workers) as pool:
        for future in [pool.submit(_execute_quietly, *job) for job in jobs]:
            future.result()  # the first failing solution's SolutionFailed, one line


def _execute_quietly(chapter: str, language: str) -> None:
    executed_solution(chapter, language)  # the notebook stays in the cache; only the files cross processes


def build(out: Path = DEFAULT_OUT, chapters: list[str] | None = None) -> list[Page]:
    """Build the whole book into ``out`` (replaced) and return its chapter pages."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    book_pages = pages(chapters)
    template = built_theme()
    execute_solutions(book_pages)
    project = out.parent / f"{out.name}-project"
    write_project(project, book_pages, readme, template)
    site = run_jupyter_book(project)
    leaks = find_leaks(site)
    if leaks:
        shown = "; ".join(f"{secret.chapter}/{secret.cell_id}: {secret.text!r} in {path.name}"
                          for secret, path in leaks[:5])
        raise BookError(f"the built book shows {len(leaks)} solution or hidden-test line(s): {shown}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(site, out)
    return book_pages
