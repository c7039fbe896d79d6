"""Offline data for the chapters: loaders for datasets/ and small synthetic generators."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from dlcourse.i18n import t

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"


def _dataset_file(name: str, filename: str) -> Path:
    path = DATASETS_DIR / name / filename
    if not path.is_file():
        raise FileNotFoundError(t(
            "{path} is missing. It ships with the course; restore it with "
            "`git checkout -- datasets/{name}` or rebuild it with `python datasets/{name}/prepare.py`.",
            path=path, name=name))
    return path


def load_house_prices() -> tuple[np.ndarray, np.ndarray]:
    """The synthetic house-price table of datasets/house_prices: X (N, 2) [area m², age years], y (N,) price k€."""
    table = np.loadtxt(_dataset_file("house_prices", "house_prices.csv"), delimiter=",", skiprows=1)
    return table[:, :2], table[:, 2]


def make_linear_regression(n: int = 200, d: int = 2, noise: float = 0.5, seed: int = 0
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """y = X @ w + b + noise, with X standard normal. Returns X (n, d), y (n,), true w (d,), true b."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.uniform(-3, 3, size=d)
    b = float(rng.uniform(-2, 2))
    y = X @ w + b + noise * rng.standard_normal(n)
    return X, y, w, b


def load_mnist(n_test: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits of datasets/mnist_5k, split into training and test sets.

    Returns X_train (5000 - n_test, 28, 28), y_train, X_test (n_test, 28, 28), y_test:
    images float32 in [0, 1] (1 = ink), labels int64 0-9. The split is stratified
    (n_test / 10 test images per digit) and, like the order within each split,
    fixed by ``seed``: the same call always returns the same arrays.
    """
    if n_test % 10 or not 0 < n_test < 5000:
        raise ValueError(t("n_test must be a multiple of 10 between 10 and 4990, got {n_test}", n_test=n_test))
    with np.load(_dataset_file("mnist_5k", "mnist_5k.npz")) as archive:
        images, labels = archive["images"], archive["labels"].astype(np.int64)  # (5000, 28, 28), (5000,)
    rng = np.random.default_rng(seed)
    test_idx = np.concatenate([rng.permutation(np.flatnonzero(labels == digit))[: n_test // 10]
                               for digit in range(10)])
    train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
    train_idx, test_idx = rng.permutation(train_idx), rng.permutation(test_idx)  # the file is sorted by digit
    X = images.astype(np.float32) / 255.0
    return X[train_idx], labels[train_idx], X[test_idx], labels[test_idx]


def load_digits(test_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten 8×8 digits (see datasets/digits), split into training and test sets.

    Returns X_train (N_train, 64), y_train (N_train,), X_test (N_test, 64), y_test (N_test,):
    pixels float64 in [0, 1] (the original counts 0-16 divided by 16; 1 = ink), rows
    flattened row by row, labels int64 0-9. The split is stratified (``test_fraction``
    of each digit, rounded, goes to the test set) and, like the order within each
    split, fixed by ``seed``. The data ship inside scikit-learn, so nothing is downloaded.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(t("test_fraction must be between 0 and 1 (exclusive), got {test_fraction}",
                           test_fraction=test_fraction))
    from sklearn.datasets import load_digits as sklearn_load_digits  # imported here: sklearn loads slowly

    digits = sklearn_load_digits()
    images, labels = digits.data, digits.target.astype(np.int64)  # (1797, 64) counts 0-16, (1797,)
    rng = np.random.default_rng(seed)
    test_idx = np.concatenate([
        rng.permutation(members)[: int(round(test_fraction * len(members)))]
        for members in (np.flatnonzero(labels == digit) for digit in range(10))
    ])
    train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
    train_idx, test_idx = rng.permutation(train_idx), rng.permutation(test_idx)
    X = images.astype(np.float64) / 16.0
    return X[train_idx], labels[train_idx], X[test_idx], labels[test_idx]


def load_text_corpus() -> str:
    """The English character-level corpus of datasets/python_docs (about 460k ASCII characters)."""
    return _dataset_file("python_docs", "python_docs.txt").read_text(encoding="ascii")


REVIEW_SPLITS = ("train", "validation", "test", "shifted", "unlabeled")


def load_reviews() -> dict[str, dict[str, list[str] | np.ndarray]]:
    """The templated product reviews of datasets/reviews, with their planted spurious cue.

    Returns a dict with one entry per split, in this order: "train" (2,000 reviews),
    "validation" (500), "test" (1,000), "shifted" (1,000) and "unlabeled" (4,000).
    Each entry is a dict of equally long columns:

    - "texts": list[str], the reviews, each ending " - NAME from TOWN";
    - "labels": np.ndarray int64 (N,), 1 positive, 0 negative; -1 in every row of "unlabeled";
    - "towns": np.ndarray of str (N,), "Eastbrook" or "Westmoor", the reviewer's town, also
      written at the end of the text. This is the planted spurious cue: outside "shifted" the
      town agrees with the label 85 % of the time (Eastbrook with positive, Westmoor with
      negative), in "shifted" it is independent of the label;
    - "categories": np.ndarray of str (N,), the product category (unrelated to the label).

    Rows keep the file's order, which is already random. See datasets/reviews/DATASHEET.md.
    """
    import csv

    splits: dict[str, dict[str, list]] = {name: {"texts": [], "labels": [], "towns": [], "categories": []}
                                          for name in REVIEW_SPLITS}
    with _dataset_file("reviews", "reviews.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            split = splits[row["split"]]
            split["texts"].append(row["text"])
            split["labels"].append(int(row["label"]))
            split["towns"].append(row["town"])
            split["categories"].append(row["category"])
    return {name: {"texts": columns["texts"],
                   "labels": np.array(columns["labels"], dtype=np.int64),
                   "towns": np.array(columns["towns"], dtype=str),
                   "categories": np.array(columns["categories"], dtype=str)}
            for name, columns in splits.items()}


def _read_csv_rows(name: str, filename: str) -> list[dict[str, str]]:
    import csv

    with _dataset_file(name, filename).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_linkage_tables() -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, str | None]]:
    """The synthetic re-identification tables of datasets/linkage_tables (chapter 09).

    Returns (hospital, voters, truth):

    - hospital: 1,000 "de-identified" discharge records, dicts with the string keys
      record_id, postcode, birth_date (YYYY-MM-DD), sex ("F"/"M") and diagnosis;
    - voters: 2,999 rows of a public voter roll, dicts with voter_id, name, postcode,
      birth_date and sex;
    - truth: record_id -> the voter_id of the person the record belongs to, or None for a
      patient who is not on the roll. Only a synthetic data set can tell us this.
    """
    hospital = _read_csv_rows("linkage_tables", "hospital_discharges.csv")
    voters = _read_csv_rows("linkage_tables", "voter_roll.csv")
    truth = {row["record_id"]: (row["voter_id"] or None)
             for row in _read_csv_rows("linkage_tables", "linkage_truth.csv")}
    return hospital, voters, truth


def load_berkeley_admissions() -> dict[str, np.ndarray]:
    """Autumn 1973 graduate admissions at UC Berkeley, six largest departments, by sex (datasets/berkeley_1973).

    Returns columns of 12 rows (department A-F, each with a "men" and a "women" row):
    "department" and "sex" (str arrays), "applied" and "admitted" (int64 arrays).
    """
    rows = _read_csv_rows("berkeley_1973", "berkeley_1973.csv")
    return {"department": np.array([r["department"] for r in rows], dtype=str),
            "sex": np.array([r["sex"] for r in rows], dtype=str),
            "applied": np.array([int(r["applied"]) for r in rows], dtype=np.int64),
            "admitted": np.array([int(r["admitted"]) for r in rows], dtype=np.int64)}


def load_loan_applications() -> dict[str, np.ndarray]:
    """The synthetic loan applications of datasets/loan_applications, with a planted bias (chapter 10).

    Returns 6,000 rows as columns: "group" (str "A"/"B", the protected attribute),
    "neighbourhood" (int64 1-8, a proxy for the group), "income_keur" and "debt_ratio"
    (float64), "years_employed" (int64), "approved" (int64 0/1: the historical, biased
    decision a bank would train on) and "repaid" (int64 0/1: whether the applicant would
    have repaid, which only a synthetic data set can know). Rows are in random order.
    """
    rows = _read_csv_rows("loan_applications", "loan_applications.csv")
    columns: dict[str, np.ndarray] = {"group": np.array([r["group"] for r in rows], dtype=str)}
    for name in ("neighbourhood", "years_employed", "approved", "repaid"):
        columns[name] = np.array([int(r[name]) for r in rows], dtype=np.int64)
    for name in ("income_keur", "debt_ratio"):
        columns[name] = np.array([float(r[name]) for r in rows], dtype=np.float64)
    return columns
