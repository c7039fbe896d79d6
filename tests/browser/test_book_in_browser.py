"""The web book, built as `make book` builds it, with the network cut, then read in Chromium.

The build runs `python -m grader book` inside bubblewrap with its own, empty
network namespace (`--unshare-net`: only a loopback interface), so any attempt
of Jupyter Book, mystmd or the theme to download something fails the build.
The theme is built first, outside (npm installs its packages once; the result
is cached), and executed solution outputs come from the cache when fresh, so a
warm build takes a few minutes. Marked browser (tests/browser/): it needs
Node.js, Chromium and bubblewrap, which `make system-packages` installs.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader import book
from grader.book_leaks import find_leaks, secret_lines
from grader.paths import REPO_ROOT, chapter_names
from tests.browser.lab_page import CHROMIUM_ARGS

CHROMIUM = "/usr/bin/chromium"
NO_NETWORK = ["bwrap", "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent"]
BROWSED = ["01_gradient_descent", "06_attention_and_transformers", "10_fairness_and_bias"]


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> dict:
    """The site folder and how its build went, built once for this module."""
    from grader.book_theme import built_theme

    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is needed to build the book with the network cut: make system-packages")
    built_theme()  # the one step allowed to reach the npm registry, once per theme change
    out = tmp_path_factory.mktemp("book") / "site"
    start = time.monotonic()
    done = subprocess.run([*NO_NETWORK, sys.executable, "-m", "grader", "book", "--out", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=3000)
    assert done.returncode == 0, f"offline book build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return {"site": out, "seconds": time.monotonic() - start, "stdout": done.stdout}


def test_the_build_sandbox_has_no_network():
    """The namespace the book is built in cannot resolve or reach the package registries."""
    probe = "import socket; socket.create_connection(('registry.npmjs.org', 443), timeout=5)"
    done = subprocess.run([*NO_NETWORK, sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and ("gaierror" in done.stderr or "OSError" in done.stderr
                                     or "unreachable" in done.stderr), done.stderr


def test_the_offline_build_has_every_chapter_in_both_editions(built_book):
    site = built_book["site"]
    assert (site / "index.html").is_file()
    expected = book.pages()
    assert len(expected) >= len(chapter_names())
    for page in expected:
        assert _page_html(site, page).is_file(), f"no page for {page}"
    assert f"Built {len(expected)} chapter pages" in built_book["stdout"]


def test_no_line_of_any_solution_or_hidden_test_is_in_the_site(built_book):
    """Search every page and data file of the built site for each solution and hidden-test line.

    Lines too generic to mean anything are skipped (see grader.book_leaks):
    shorter than 16 characters, without a letter, or also present in a
    release notebook (whole, or as part of a line). What remains, about
    2,600 lines, must not appear.
    """
    secrets = secret_lines()
    assert len(secrets) > 500
    leaks = find_leaks(built_book["site"], secrets)
    assert not leaks, [(s.chapter, s.cell_id, s.text, p.name) for s, p in leaks[:10]]


@pytest.fixture(scope="module")
def served_book(built_book):
    """The site over HTTP on localhost, as GitHub Pages would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(built_book["site"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("chapter", BROWSED)
def test_a_chapter_page_shows_a_figure_math_and_its_binder_link(chapter, built_book, served_book, chromium,
                                                                artifacts):
    page_spec = book.Page(chapter, "en")
    relative = _page_html(built_book["site"], page_spec).relative_to(built_book["site"])
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{served_book}/{relative.parent.as_posix()}/", wait_until="networkidle")
        page.wait_for_selector("article img", timeout=30_000)
        figures = page.eval_on_selector_all(
            "article img", "imgs => imgs.filter(i => i.complete && i.naturalWidth > 100).length")
        assert figures >= 1, "no rendered figure on the page"
        assert page.locator(".katex").count() >= 1, "no rendered math on the page"
        # KaTeX's stylesheet (served by the site itself) hides the MathML copy; without it each formula shows twice.
        assert page.eval_on_selector(".katex .katex-mathml",
                                     "el => getComputedStyle(el).position") == "absolute", "KaTeX CSS not applied"
        binder = page.eval_on_selector_all("a[href*='mybinder.org']", "links => links.map(a => a.href)")
        assert any(href.endswith(f"urlpath=lab/tree/chapters/{chapter}/{chapter}.ipynb") for href in binder), binder
        (artifacts / "book").mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "book" / f"{chapter}.png"))
        page.locator(".katex").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "book" / f"{chapter}-math.png"))
        page.locator("article img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "book" / f"{chapter}-figure.png"))
    finally:
        page.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # one line per request would bury pytest's report
        pass


def _page_html(site: Path, page: book.Page) -> Path:
    """The built HTML of a page: mystmd names it by the page's slug inside its edition's folder."""
    slug = re.sub(r"^\d+[_-]", "", page.chapter).replace("_", "-")
    candidates = [site / page.language / slug / "index.html", site / page.language / page.chapter.replace(
        "_", "-") / "index.html"]
    return next((path for path in candidates if path.is_file()), candidates[0])
