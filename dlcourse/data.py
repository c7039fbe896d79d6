"""Offline data for the chapters: loaders for datasets/ and small synthetic generators."""
from __future__ import annotations

from pathlib import Path

import numpy as np

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"


def _dataset_file(name: str, filename: str) -> Path:
    path = DATASETS_DIR / name / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing. It ships with the course; restore it with "
            f"`git checkout -- datasets/{name}` or rebuild it with `python datasets/{name}/prepare.py`."
        )
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
