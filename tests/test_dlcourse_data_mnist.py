"""dlcourse.data.load_mnist and datasets/mnist_5k."""
import runpy

import numpy as np
import pytest

from dlcourse.data import DATASETS_DIR, load_mnist

DATASET = DATASETS_DIR / "mnist_5k"


def test_data_file_is_small_and_documented():
    assert (DATASET / "mnist_5k.npz").stat().st_size <= 10 * 1024 * 1024
    datasheet = (DATASET / "DATASHEET.md").read_text()
    for heading in ("Origin", "Licence", "How it was collected", "Known biases", "Intended use"):
        assert heading in datasheet, heading
    with np.load(DATASET / "mnist_5k.npz") as archive:
        assert archive["images"].shape == (5000, 28, 28) and archive["images"].dtype == np.uint8
        assert archive["labels"].shape == (5000,) and archive["labels"].dtype == np.uint8
        assert np.bincount(archive["labels"]).tolist() == [500] * 10


def test_load_mnist_types_shapes_and_ranges():
    X_train, y_train, X_test, y_test = load_mnist()
    assert X_train.shape == (4000, 28, 28) and X_test.shape == (1000, 28, 28)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10
    assert len(set(y_train[:50].tolist())) > 5, "the training set must be shuffled, not sorted by digit"


def test_load_mnist_split_is_deterministic_and_disjoint():
    first, second = load_mnist(), load_mnist()
    for a, b in zip(first, second):
        assert np.array_equal(a, b)
    X_train, _, X_test, _ = first
    train_rows = {row.tobytes() for row in X_train.reshape(len(X_train), -1)}
    test_rows = {row.tobytes() for row in X_test.reshape(len(X_test), -1)}
    # MNIST has no exact duplicate images; overlap would mean leaked test images.
    assert not train_rows & test_rows
    other = load_mnist(seed=1)
    assert not np.array_equal(other[3], first[3])


def test_load_mnist_custom_split_size_and_bad_sizes():
    X_train, y_train, X_test, y_test = load_mnist(n_test=500)
    assert len(X_train) == 4500 and len(X_test) == 500
    assert np.bincount(y_test, minlength=10).tolist() == [50] * 10
    for bad in (0, 5000, 15):
        with pytest.raises(ValueError):
            load_mnist(n_test=bad)


def test_missing_file_gives_a_helpful_error(monkeypatch, tmp_path):
    import dlcourse.data as data
    monkeypatch.setattr(data, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="prepare.py"):
        data.load_mnist()


def test_prepare_writes_reproducible_bytes(tmp_path):
    prepare = runpy.run_path(str(DATASET / "prepare.py"))
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([3, 7], dtype=np.uint8)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    prepare["write_npz"](first, images=images, labels=labels)
    prepare["write_npz"](second, images=images, labels=labels)
    assert first.read_bytes() == second.read_bytes()
    with np.load(first) as archive:
        assert np.array_equal(archive["images"], images) and np.array_equal(archive["labels"], labels)
