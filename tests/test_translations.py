"""The Chinese edition: generated from the English source, in sync with it, graded exactly like it."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

import grader.translations as translations
from grader.check import grade
from grader.cli import main as grader_main
from grader.paths import CHAPTERS_DIR, chapter_names, solution_notebook
from tests.notebook_variants import nbgrader_meta

ZH_CHAPTERS = [chapter for chapter in chapter_names() if translations.editions(chapter)]
GRADED_IN_CHINESE = [c for c in ("01_gradient_descent", "04_convolutional_networks", "09_privacy_and_security")
                     if c in ZH_CHAPTERS]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def scratch_catalogs(tmp_path, monkeypatch):
    """Catalogs in a temporary folder, so a test can break one without touching docs/zh."""
    monkeypatch.setattr(translations, "CATALOGS_DIR", tmp_path / "{language}" / "catalogs")
    return tmp_path


def _filled_catalog(chapter: str) -> dict:
    path = translations.write_stub(chapter)
    catalog = json.loads(path.read_text(encoding="utf-8"))
    english = {cell.id: cell.source for cell in nbformat.read(solution_notebook(chapter), as_version=4).cells}
    for entry in catalog["cells"]:
        entry["zh"] = "【译】" + english[entry["id"]]
    path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    return catalog


def test_a_changed_english_cell_makes_its_translation_stale(scratch_catalogs):
    chapter = "00_start_here"
    catalog = _filled_catalog(chapter)
    assert translations.problems(chapter) == []
    english = nbformat.read(solution_notebook(chapter), as_version=4)
    edited = next(cell for cell in english.cells if cell.id == catalog["cells"][1]["id"])
    edited.source += "\nOne more sentence."
    (problem,) = translations.problems(chapter, notebook=english)
    assert (problem.cell_id, problem.kind) == (edited.id, "stale")
    with pytest.raises(ValueError, match=edited.id):
        translations.translated(english, chapter)


def test_release_check_names_missing_and_stale_cells(scratch_catalogs, capsys):
    chapter = "00_start_here"
    catalog = _filled_catalog(chapter)
    catalog["cells"][0]["zh"] = ""
    catalog["cells"][2]["en_sha256"] = "0" * 16
    translations.catalog_path(chapter).write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    assert grader_main(["release", "--check", chapter]) == 1
    out = capsys.readouterr().out
    assert f"cell {catalog['cells'][0]['id']} has no translation" in out
    assert f"cell {catalog['cells'][2]['id']} changed in English since it was translated" in out


def test_the_stub_keeps_fresh_translations_and_clears_stale_ones(scratch_catalogs):
    chapter = "00_start_here"
    catalog = _filled_catalog(chapter)
    catalog["cells"][1]["en_sha256"] = "0" * 16
    translations.catalog_path(chapter).write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    refreshed = json.loads(translations.write_stub(chapter).read_text(encoding="utf-8"))
    assert refreshed["cells"][0]["zh"] == catalog["cells"][0]["zh"]
    assert refreshed["cells"][1]["zh"] == ""


@pytest.mark.parametrize("chapter", ZH_CHAPTERS)
def test_the_catalog_is_complete_and_fresh(chapter):
    assert [str(p) for p in translations.problems(chapter)] == [], \
        "run `python -m grader.translations status` and translate what it lists"


ENGLISH_LIMIT = re.compile(r"about (\d+) to (\d+) words")
CHINESE_LIMIT = re.compile(r"约 ?(\d+) ?到 ?(\d+) ?字")


@pytest.mark.parametrize("chapter", ZH_CHAPTERS)
def test_essay_lengths_are_given_in_characters_twice_the_english_words(chapter):
    """A Chinese answer runs about twice as many 字 as the English words (docs/zh/glossary.md)."""
    english = {cell.id: cell.source for cell in nbformat.read(solution_notebook(chapter), as_version=4).cells}
    for entry in json.loads(translations.catalog_path(chapter).read_text(encoding="utf-8"))["cells"]:
        for low, high in ENGLISH_LIMIT.findall(english.get(entry["id"], "")):
            assert (str(2 * int(low)), str(2 * int(high))) in CHINESE_LIMIT.findall(entry["zh"]), \
                f"{chapter} {entry['id']}: 'about {low} to {high} words' needs 约 {2 * int(low)} 到 {2 * int(high)} 字"


@pytest.mark.parametrize("chapter", ZH_CHAPTERS)
def test_both_editions_share_every_code_cell_test_and_point(chapter):
    english = nbformat.read(CHAPTERS_DIR / chapter / f"{chapter}.ipynb", as_version=4)
    chinese = nbformat.read(CHAPTERS_DIR / chapter / f"{chapter}.zh.ipynb", as_version=4)
    assert [c.cell_type for c in chinese.cells] == [c.cell_type for c in english.cells]
    for en, zh in zip(english.cells, chinese.cells):
        # Same grade ids, points and roles; only a written answer's checksum differs (its blank is Chinese).
        assert {k: v for k, v in nbgrader_meta(zh).items() if k != "checksum"} == \
            {k: v for k, v in nbgrader_meta(en).items() if k != "checksum"}
        if en.cell_type == "code":
            assert zh.source == en.source
        elif en.source.strip():
            assert CJK.search(zh.source), f"cell {en.get('id')} is not in Chinese"
    for delimiter in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
        assert delimiter not in json.dumps(chinese.cells), "the Chinese release leaks a solution or hidden test"


def _with_answers(chapter: str, release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release with every answer cell replaced by the solution's (code cells are shared)."""
    answers = {nbgrader_meta(c).get("grade_id"): c.source
               for c in nbformat.read(solution_notebook(chapter), as_version=4).cells
               if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    for cell in release.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"):
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return release


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", GRADED_IN_CHINESE)
def test_a_chinese_notebook_is_graded_exactly_like_the_english_one(chapter, tmp_path):
    folder = tmp_path / chapter
    folder.mkdir()
    release = nbformat.read(CHAPTERS_DIR / chapter / f"{chapter}.zh.ipynb", as_version=4)
    blank = folder / f"{chapter}.zh.ipynb"
    nbformat.write(release, blank)
    report = grade(blank)
    assert report.score == 0 and report.max_score > 0
    solved = folder / f"{chapter}.answered.zh.ipynb"
    nbformat.write(_with_answers(chapter, release), solved)
    report = grade(solved)
    automatic = sum(t.max_score for t in report.tests if t.status != "manual")
    assert report.score == automatic, [f"{t.name}: {t.message}" for t in report.tests if t.status == "fail"]


def test_a_classroom_course_in_chinese_releases_the_chinese_text(tmp_path):
    from grader import classroom
    from grader.paths import REPO_ROOT

    chapter = "00_start_here"
    assert translations.editions(chapter), "chapter 00 has a Chinese edition"
    classroom.init(tmp_path / "course", [chapter], language="zh")
    released = nbformat.read(tmp_path / "course" / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    english = nbformat.read(CHAPTERS_DIR / chapter / f"{chapter}.ipynb", as_version=4)
    assert CJK.search(released.cells[0].source) and not CJK.search(english.cells[0].source)
    assert [c.source for c in released.cells if c.cell_type == "code"] == \
        [c.source for c in english.cells if c.cell_type == "code"]
    readme = (REPO_ROOT / "README.zh.md").read_text(encoding="utf-8")
    badge = re.search(r"urlpath=lab/tree/(chapters/[^)\s]+\.zh\.ipynb)", readme)
    assert badge and (REPO_ROOT / badge.group(1)).is_file()


def test_figures_draw_chinese_glyphs():
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import dlcourse as dl

    dl.use_course_style()
    assert dl.plotting.installed_cjk_fonts(), \
        "no CJK font: `make system-packages` installs Debian's fonts-noto-cjk (then clear ~/.cache/matplotlib)"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("训练损失 (training loss)")
        fig.canvas.draw()
        plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message)]
