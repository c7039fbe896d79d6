"""The review dataset: rebuilds byte for byte, loads with the documented types, and carries its planted cue."""
from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

import dlcourse as dl
from dlcourse import data as data_module
from grader.paths import REPO_ROOT

SIZES = {"train": 2000, "validation": 500, "test": 1000, "shifted": 1000, "unlabeled": 4000}


@pytest.fixture(scope="module")
def reviews():
    return dl.data.load_reviews()


def test_reviews_rebuild_byte_for_byte(tmp_path):
    copy = tmp_path / "reviews"
    shutil.copytree(REPO_ROOT / "datasets" / "reviews", copy)
    (copy / "reviews.csv").unlink()
    subprocess.run([sys.executable, str(copy / "prepare.py")], check=True, capture_output=True)
    assert (copy / "reviews.csv").read_bytes() == (REPO_ROOT / "datasets/reviews/reviews.csv").read_bytes()


def test_load_reviews_returns_the_documented_splits_and_types(reviews):
    assert list(reviews) == list(SIZES)
    for name, size in SIZES.items():
        split = reviews[name]
        assert set(split) == {"texts", "labels", "towns", "categories"}
        assert type(split["texts"]) is list and len(split["texts"]) == size
        assert all(type(t) is str and t for t in split["texts"])
        assert split["labels"].dtype == np.int64 and split["labels"].shape == (size,)
        assert split["towns"].shape == (size,) and split["categories"].shape == (size,)
        assert set(split["towns"]) == {"Eastbrook", "Westmoor"}
        assert all(text.endswith(f"from {town}") for text, town in zip(split["texts"], split["towns"]))
    assert (reviews["unlabeled"]["labels"] == -1).all()
    for name in ("train", "validation", "test", "shifted"):
        assert set(reviews[name]["labels"].tolist()) == {0, 1}
        assert 0.4 < reviews[name]["labels"].mean() < 0.6, "labels are balanced"


def test_the_town_cue_is_planted_outside_the_shifted_split_only(reviews):
    def agreement(split):
        return float(np.mean((split["labels"] == 1) == (split["towns"] == "Eastbrook")))

    for name in ("train", "validation", "test"):
        assert 0.78 < agreement(reviews[name]) < 0.9, name
    assert 0.44 < agreement(reviews["shifted"]) < 0.56
    for category in np.unique(reviews["train"]["categories"]):  # categories carry no signal
        members = reviews["train"]["categories"] == category
        assert 0.4 < reviews["train"]["labels"][members].mean() < 0.6


def test_splits_do_not_share_texts_by_accident(reviews):
    train = set(reviews["train"]["texts"])
    overlap = sum(text in train for text in reviews["test"]["texts"])
    assert overlap < 10, "templated texts may collide rarely, but the splits are drawn independently"


def test_missing_reviews_file_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(data_module, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="prepare.py"):
        dl.data.load_reviews()
