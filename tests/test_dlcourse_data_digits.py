"""dlcourse.data.load_digits and datasets/digits (the data ship inside scikit-learn)."""
import runpy

import numpy as np
import pytest

from dlcourse.data import DATASETS_DIR, load_digits

DATASET = DATASETS_DIR / "digits"


def test_datasheet_documents_the_shipped_data():
    datasheet = (DATASET / "DATASHEET.md").read_text()
    for heading in ("Origin", "Licence", "How it was collected", "Known biases", "Intended use"):
        assert heading in datasheet, heading
    assert "CC BY 4.0" in datasheet and "scikit-learn" in datasheet
    assert sorted(p.name for p in DATASET.iterdir() if p.name != "__pycache__") == ["DATASHEET.md", "prepare.py"]


def test_prepare_confirms_the_installed_copy():
    prepare = runpy.run_path(str(DATASET / "prepare.py"))
    pixels, labels = prepare["read_source"]()
    assert pixels.shape == prepare["EXPECTED_SHAPE"] and labels.shape == (1797,)
    assert prepare["fingerprint"](pixels, labels) == prepare["EXPECTED_SHA256"]
    changed = pixels.copy()
    changed[0, 0] += 1
    assert prepare["fingerprint"](changed, labels) != prepare["EXPECTED_SHA256"]


def test_load_digits_types_shapes_and_ranges():
    X_train, y_train, X_test, y_test = load_digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == np.float64 and X_test.dtype == np.float64
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.all(np.isin(np.round(X_test * 16), np.arange(17))), "pixels are counts 0-16 divided by 16"
    assert set(y_train.tolist()) == set(y_test.tolist()) == set(range(10))


def test_load_digits_split_is_stratified_deterministic_and_disjoint():
    first, second = load_digits(), load_digits()
    for a, b in zip(first, second):
        assert np.array_equal(a, b)
    X_train, y_train, X_test, y_test = first
    counts = np.bincount(y_train, minlength=10) + np.bincount(y_test, minlength=10)
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.25 * counts) <= 0.5)
    # every image in the data is distinct, so overlapping rows would mean a leaked test image
    train_rows = {row.tobytes() for row in X_train}
    test_rows = {row.tobytes() for row in X_test}
    assert len(train_rows) + len(test_rows) == 1797 and not train_rows & test_rows
    assert len(set(y_train[:30].tolist())) > 5, "the training set must be shuffled, not sorted by digit"
    other = load_digits(seed=1)
    assert not np.array_equal(other[3], y_test)


def test_load_digits_custom_fraction_and_bad_fractions():
    X_train, _, X_test, y_test = load_digits(test_fraction=0.5)
    assert len(X_train) + len(X_test) == 1797 and abs(len(X_test) - 898) <= 5
    for bad in (0.0, 1.0, -0.1, 2):
        with pytest.raises(ValueError):
            load_digits(test_fraction=bad)
