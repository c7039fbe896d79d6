"""The web book's pieces that need no build: the leak scanner, the README facts, the page merge rule.

The build itself (Node.js, every chapter executed) and the pages in Chromium
are tested in tests/browser/test_book_in_browser.py.
"""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from grader import book
from grader.book_leaks import MIN_LINE_LENGTH, SecretLine, find_leaks, secret_lines
from grader.book_outputs import static_widget_outputs
from grader.paths import REPO_ROOT, chapter_names

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_leak_scanner_finds_a_solution_line_hidden_in_highlighted_html(tmp_path):
    """A page that shows one solution line, split into highlighting spans, is reported; a clean page is not."""
    secret = next(line for line in secret_lines(["01_gradient_descent"]) if " = " in line.text)
    left, right = secret.text.split(" = ", 1)
    (tmp_path / "clean.html").write_text("<html><body><p>raise NotImplementedError()</p></body></html>")
    assert find_leaks(tmp_path, [secret]) == []
    (tmp_path / "page.html").write_text(f"<pre><span class='n'>{left}</span> <span>=</span> "
                                        f"<span>{right.replace('>', '&gt;')}</span></pre>")
    assert [(found, path.name) for found, path in find_leaks(tmp_path, [secret])] == [(secret, "page.html")]


def test_the_leak_scanner_reads_the_strings_of_json_data_files(tmp_path):
    """mystmd ships each page's content as JSON too; a secret inside it is found."""
    secret = SecretLine("00_start_here", "normalize", "return (x - x.mean()) / x.std()")
    (tmp_path / "page.json").write_text('{"children": [{"type": "code", "value": "def f(x):\\n    '
                                        'return (x - x.mean()) / x.std()"}]}')
    assert len(find_leaks(tmp_path, [secret])) == 1


def test_secret_lines_cover_every_chapter_and_skip_what_the_release_shows():
    """Every chapter has lines to look for; none of them is short or printed in a release notebook."""
    secrets = secret_lines()
    assert {secret.chapter for secret in secrets} == set(chapter_names())
    assert all(len(secret.text) >= MIN_LINE_LENGTH for secret in secrets)
    assert not any("YOUR CODE HERE" in secret.text or secret.text.startswith("### ") for secret in secrets)


def test_each_page_links_binder_to_its_own_chapter_and_edition():
    page = book.Page("06_attention_and_transformers", "zh")
    link = book.binder_link(page, README)
    assert link.startswith("https://mybinder.org/v2/gh/")
    assert link.endswith("?urlpath=lab/tree/chapters/06_attention_and_transformers/"
                         "06_attention_and_transformers.zh.ipynb")


def test_run_time_and_memory_come_from_the_readme_table_for_every_chapter():
    costs = book.chapter_costs(README)
    assert set(costs) == set(chapter_names())
    assert all(cost.endswith(" MB") and " s, " in cost for cost in costs.values()), costs


def test_a_widget_view_becomes_the_figure_its_output_widget_captured():
    """The static page shows what the widget's Output area held, in layout order, and no widget view."""
    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR", "text/plain": "<f>"}}
    state = {"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_out"]}},
             "slider": {"model_name": "FloatSliderModel", "state": {"value": 0.1}},
             "out": {"model_name": "OutputModel", "state": {"outputs": [figure]}}}
    notebook = nbformat.v4.new_notebook(metadata={"widgets": {
        "application/vnd.jupyter.widget-state+json": {"state": state}}})
    view = {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": "VBox(...)", "application/vnd.jupyter.widget-view+json": {"model_id": "box"}}}
    text = {"output_type": "stream", "name": "stdout", "text": "before\n"}
    assert static_widget_outputs([text, view], notebook) == [text, figure]


@pytest.mark.parametrize("argv, message", [(["book", "99_no_such_chapter"], "Unknown chapter")])
def test_book_command_rejects_bad_input_with_one_line_and_exit_2(argv, message):
    done = subprocess.run([sys.executable, "-m", "grader", *argv], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_table_of_contents_lists_each_edition_in_course_order(tmp_path):
    """Landing page first, then the English chapters 00..14, then the Chinese edition's landing and chapters."""
    pages = book.pages()
    config = book.project_config(pages, README, tmp_path)
    toc = config["project"]["toc"]
    assert toc[0] == {"file": "index.md"}
    english = [entry["file"] for entry in toc[1]["children"]]
    assert english == [f"en/{chapter}.ipynb" for chapter in chapter_names()]
    if len(toc) > 2:
        assert toc[2]["file"] == "zh/index.md"
        assert [entry["file"] for entry in toc[2]["children"]] == [p.source_path for p in pages if p.language == "zh"]
    assert config["site"]["template"] == str(tmp_path)
