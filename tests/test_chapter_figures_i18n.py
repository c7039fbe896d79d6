"""The figures a chapter draws speak the edition's language.

A chapter's own plotting code writes its titles, axis labels, legends and annotations
through ``dl.t("...")``, which looks the English up in dlcourse/i18n_zh_figures/ when the
notebook is the Chinese edition. The scan below reads every code cell of every English
solution notebook and fails on a figure text written as a bare English literal, and on a
``dl.t`` text with no Chinese (or with other placeholders than the English).
"""
from __future__ import annotations

import ast
import json
import os
import re
import string
import warnings

import nbformat
import pytest

import dlcourse as dl
from dlcourse.i18n_zh_figures import FIGURES_ZH
from grader.paths import chapter_names, solution_notebook

CJK = re.compile(r"[\u4e00-\u9fff]")
# Calls whose positional argument at this index is text the learner reads on a figure or a control.
TEXT_ARGUMENT = {"set_title": 0, "set_xlabel": 0, "set_ylabel": 0, "set_zlabel": 0, "suptitle": 0,
                 "supxlabel": 0, "supylabel": 0, "title": 0, "xlabel": 0, "ylabel": 0, "annotate": 0,
                 "set_text": 0, "text": 2, "figtext": 2}
LIST_ARGUMENT = {"legend", "set_xticklabels", "set_yticklabels"}  # a list of texts as first argument
TEXT_KEYWORDS = {"label", "title", "xlabel", "ylabel", "description", "suptitle"}
# Words a Chinese figure keeps as they are: names of methods, models and datasets. Words in
# capitals (SGD, MNIST, GPT) and words of one or two letters (lr, x) are kept without listing.
KEPT_NAMES = {"Adam", "AdamW", "ReLU", "GELU", "Tanh", "BatchNorm", "LayerNorm", "ResNet", "Transformer",
              "FedAvg", "Python", "softmax", "Llama"}
WORD = re.compile(r"[A-Za-z]{3,}")
MATH = re.compile(r"\$[^$]*\$")


def _code_cells():
    for chapter in chapter_names():
        notebook = nbformat.read(solution_notebook(chapter), as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                # IPython's magics and shell lines are not Python.
                source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                   for line in cell.source.splitlines())
                yield f"{chapter} cell {index}", ast.parse(source)


def _is_t(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "t" and
                                           getattr(node.func.value, "id", None) == "dl")


def _static_text(node: ast.AST) -> str | None:
    """The English a literal shows (an f-string's fixed parts), or None for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return None


def _english_words(text: str) -> list[str]:
    return [word for word in WORD.findall(MATH.sub(" ", text))
            if not word.isupper() and word not in KEPT_NAMES]


def _figure_texts(tree: ast.AST):
    """Every node that ends up as text on a figure or a control."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _is_t(node):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in TEXT_ARGUMENT and len(node.args) > TEXT_ARGUMENT[name]:
            yield node.args[TEXT_ARGUMENT[name]]
        if name in LIST_ARGUMENT and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            yield from node.args[0].elts
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                yield keyword.value


def _t_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for where, tree in _code_cells():
        for node in ast.walk(tree):
            if _is_t(node):
                assert node.args and isinstance(node.args[0], ast.Constant), \
                    f"{where}: dl.t takes the English as a literal, with values as keywords"
                texts.setdefault(node.args[0].value, where)
    return texts


def _fields(text: str) -> list[tuple[str, str, str]]:
    return sorted((name, spec, conversion or "") for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


def test_the_scan_sees_figure_texts_and_their_english_words():
    tree = ast.parse('ax.set_title("Loss per step")\nax.plot(x, label=f"lr = {lr}")\n'
                     'ax.text(0, 1, dl.t("peak"))\nax.legend(["train", "SGD"])\nax.set_xlabel("$\\\\theta$")')
    texts = [_static_text(node) for node in _figure_texts(tree)]
    assert texts == ["Loss per step", "lr = ", None, "train", "SGD", "$\\theta$"]  # None: dl.t's own call
    texts.remove(None)
    assert [_english_words(text) for text in texts] == [["Loss", "per", "step"], [], ["train"], [], []]


def test_every_figure_text_a_chapter_draws_goes_through_dl_t():
    bare = []
    for where, tree in _code_cells():
        for node in _figure_texts(tree):
            text = _static_text(node)
            if text is not None and _english_words(text):
                bare.append(f"{where}: {text!r}")
    assert not bare, "write these through dl.t(...) and translate them in dlcourse/i18n_zh_figures/:\n" + \
        "\n".join(bare)


def test_every_dl_t_text_of_the_chapters_has_chinese_with_the_same_placeholders():
    texts = _t_texts()
    assert texts, "no chapter draws through dl.t: the scan is broken"
    missing = [f"{where}: {text!r}" for text, where in texts.items() if text not in FIGURES_ZH]
    assert not missing, "no Chinese in dlcourse/i18n_zh_figures/ for:\n" + "\n".join(missing)
    for english in texts:
        chinese = FIGURES_ZH[english]
        assert _fields(english) == _fields(chinese), f"placeholders differ: {english!r} -> {chinese!r}"
        assert CJK.search(chinese), f"not translated: {english!r} -> {chinese!r}"
        # matplotlib draws a text containing $...$ wholly in math fonts, which have no Chinese glyphs.
        assert not MATH.search(chinese), f"Chinese beside $...$ is drawn as boxes: {chinese!r}"
    unused = sorted(set(FIGURES_ZH) - set(texts))
    assert not unused, f"translations of figure texts no chapter draws any more: {unused}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_dl_t_draws_the_edition_s_language_on_a_real_figure(language):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    english, = [text for text in _t_texts() if not _fields(text)][:1] or [None]
    assert english is not None
    dl.set_language(language)
    try:
        with matplotlib.rc_context():  # the course style is undone for the tests that follow
            dl.use_course_style()  # the chapters' style, with its CJK fallback font
            figure, ax = plt.subplots()
            ax.set_title(dl.t(english))
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "Glyph ... missing from font(s)": boxes instead of characters
                figure.canvas.draw()
            assert ax.get_title() == (english if language == "en" else FIGURES_ZH[english])
            plt.close(figure)
    finally:
        dl.set_language(None)


# -- a Chinese chapter, run: what its figures really show ------------------------------------------

RECORD_DRAWN_TEXT = """\
import matplotlib.text
_drawn_texts = []
_draw_text = matplotlib.text.Text.draw
def _record_and_draw(self, renderer):
    if self.get_visible() and self.get_text().strip():
        _drawn_texts.append(self.get_text())
    return _draw_text(self, renderer)
matplotlib.text.Text.draw = _record_and_draw
"""


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", ["01_gradient_descent", "10_fairness_and_bias"])
def test_a_chinese_chapter_draws_its_figures_in_chinese(chapter):
    """Run the chapter as its Chinese edition and read back every text matplotlib drew."""
    from nbclient import NotebookClient

    from grader.cells import is_check_cell

    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    notebook.cells = [nbformat.v4.new_code_cell(RECORD_DRAWN_TEXT),
                      *(cell for cell in notebook.cells if not is_check_cell(cell)),
                      nbformat.v4.new_code_cell("import json; print(json.dumps(_drawn_texts))")]
    folder = solution_notebook(chapter).parent
    # JupyterLab names the notebook it runs in JPY_SESSION_NAME; a .zh.ipynb makes dlcourse speak Chinese.
    env = {**os.environ, "JPY_SESSION_NAME": str(folder / f"{chapter}.zh.ipynb")}
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute(env=env)
    drawn = json.loads(notebook.cells[-1].outputs[0]["text"])
    assert sum(bool(CJK.search(text)) for text in drawn) >= 3, drawn
    english = sorted({text for text in drawn if _english_words(text)})
    assert not english, f"figure texts still in English in the Chinese {chapter}: {english}"
