"""Two-dimensional loss surfaces with known minima, for visualising optimisers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class LossSurface:
    name: str
    loss: Callable[[np.ndarray], float]  # point (2,) -> scalar
    gradient: Callable[[np.ndarray], np.ndarray]  # point (2,) -> (2,)
    minimum: tuple[float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def grid(self, resolution: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Loss on a (resolution, resolution) grid, for contour plots."""
        xs = np.linspace(*self.x_range, resolution)
        ys = np.linspace(*self.y_range, resolution)
        X, Y = np.meshgrid(xs, ys)  # (R, R) each
        Z = np.vectorize(lambda x, y: self.loss(np.array([x, y])))(X, Y)
        return X, Y, Z


# An elongated bowl: curvature 1 along x and 10 along y. Gradient descent
# zig-zags across the narrow direction and diverges once lr > 2 / 10.
ELONGATED_BOWL = LossSurface(
    name="elongated bowl  0.5·(x² + 10·y²)",
    loss=lambda p: 0.5 * (p[0] ** 2 + 10.0 * p[1] ** 2),
    gradient=lambda p: np.array([p[0], 10.0 * p[1]]),
    minimum=(0.0, 0.0),
    x_range=(-5.0, 5.0),
    y_range=(-3.0, 3.0),
)

# Rosenbrock's banana valley (Rosenbrock, 1960), scaled down by 100 so that
# learning rates of the same order as the bowl's work: easy to enter, slow to follow.
ROSENBROCK = LossSurface(
    name="Rosenbrock valley  ((1-x)² + 100·(y-x²)²) / 100",
    loss=lambda p: ((1 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2) / 100.0,
    gradient=lambda p: np.array([
        (-2.0 * (1 - p[0]) - 400.0 * p[0] * (p[1] - p[0] ** 2)) / 100.0,
        200.0 * (p[1] - p[0] ** 2) / 100.0,
    ]),
    minimum=(1.0, 1.0),
    x_range=(-2.0, 2.0),
    y_range=(-1.0, 3.0),
)

SURFACES = {surface.name: surface for surface in (ELONGATED_BOWL, ROSENBROCK)}
