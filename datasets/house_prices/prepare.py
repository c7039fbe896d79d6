"""Rebuild house_prices.csv deterministically: python datasets/house_prices/prepare.py

A synthetic table, so that chapter 01 can fit a line whose true coefficients
we know. Price grows with floor area and falls with age, plus Gaussian noise.
"""
from pathlib import Path

import numpy as np

SEED = 1973
N_HOUSES = 400
TRUE_PRICE_PER_M2 = 2.5  # k€ per m²
TRUE_PRICE_PER_YEAR = -1.2  # k€ per year of age
TRUE_BASE_PRICE = 60.0  # k€
NOISE_STD = 15.0  # k€


def make_table(rng: np.random.Generator) -> np.ndarray:
    area = rng.uniform(35, 180, N_HOUSES).round(1)  # m²
    age = rng.integers(0, 80, N_HOUSES).astype(float)  # years
    noise = rng.normal(0, NOISE_STD, N_HOUSES)
    price = (TRUE_BASE_PRICE + TRUE_PRICE_PER_M2 * area + TRUE_PRICE_PER_YEAR * age + noise).round(1)
    return np.column_stack([area, age, price])  # (N, 3)


if __name__ == "__main__":
    out = Path(__file__).with_name("house_prices.csv")
    table = make_table(np.random.default_rng(SEED))
    np.savetxt(out, table, delimiter=",", fmt="%.1f", header="area_m2,age_years,price_keur", comments="")
    print(f"wrote {out} ({len(table)} rows)")
