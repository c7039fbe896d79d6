"""Datasets load offline, match their generators, and ship with a datasheet."""
from __future__ import annotations

import runpy
import shutil
import subprocess
import sys

import numpy as np
import pytest

import dlcourse as dl
from dlcourse import data as data_module
from grader.paths import REPO_ROOT

DATASETS = sorted(p for p in (REPO_ROOT / "datasets").iterdir() if p.is_dir())


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda p: p.name)
def test_every_dataset_has_a_datasheet_and_a_prepare_script(dataset):
    sheet = (dataset / "DATASHEET.md").read_text()
    for heading in ("origin", "licen", "collect", "bias", "intended use"):
        assert heading.lower() in sheet.lower(), f"{dataset.name}/DATASHEET.md lacks '{heading}'"
    assert (dataset / "prepare.py").is_file()
    for data_file in dataset.iterdir():
        assert data_file.stat().st_size <= 10 * 1024 * 1024, f"{data_file} is over 10 MB"


def test_house_prices_rebuilds_byte_for_byte(tmp_path):
    copy = tmp_path / "house_prices"
    shutil.copytree(REPO_ROOT / "datasets" / "house_prices", copy)
    (copy / "house_prices.csv").unlink()
    subprocess.run([sys.executable, str(copy / "prepare.py")], check=True, capture_output=True)
    assert (copy / "house_prices.csv").read_bytes() == (REPO_ROOT / "datasets/house_prices/house_prices.csv").read_bytes()


def test_house_prices_loads_with_the_generators_coefficients():
    X, y = dl.data.load_house_prices()
    assert X.shape == (400, 2) and y.shape == (400,)
    X1 = np.column_stack([np.ones(len(X)), X])
    base, per_m2, per_year = np.linalg.lstsq(X1, y, rcond=None)[0]
    generator = runpy.run_path(str(REPO_ROOT / "datasets/house_prices/prepare.py"))
    assert abs(per_m2 - generator["TRUE_PRICE_PER_M2"]) < 0.1
    assert abs(per_year - generator["TRUE_PRICE_PER_YEAR"]) < 0.2
    assert abs(base - generator["TRUE_BASE_PRICE"]) < 10


def test_missing_dataset_file_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(data_module, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="prepare.py"):
        dl.data.load_house_prices()


def test_make_linear_regression_is_seeded_and_linear():
    X, y, w, b = dl.data.make_linear_regression(n=500, d=3, noise=0.0, seed=7)
    X2, *_ = dl.data.make_linear_regression(n=500, d=3, noise=0.0, seed=7)
    assert np.array_equal(X, X2)
    np.testing.assert_allclose(X @ w + b, y, atol=1e-12)


def test_text_corpus_loads_and_rebuilds_from_this_python():
    import sys

    corpus = dl.data.load_text_corpus()
    assert len(corpus) > 400_000 and corpus.isascii()
    assert 60 <= len(set(corpus)) <= 100, "a small character vocabulary"
    assert "assert" in corpus and "def " in corpus
    prepare = runpy.run_path(str(REPO_ROOT / "datasets/python_docs/prepare.py"))
    rebuilt = prepare["build_corpus"]()
    if sys.version_info[:3] == (3, 11, 7):
        assert rebuilt == corpus
    else:  # other patch releases edit a few topics; the bulk must still agree
        assert abs(len(rebuilt) - len(corpus)) < 0.05 * len(corpus)
