"""Learning-rate, start-point and step sliders over a 2-D loss surface, path drawn."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from dlcourse.i18n import t
from dlcourse.surfaces import ELONGATED_BOWL, SURFACES, LossSurface
from dlcourse.widgets.live_figure import LiveWidget

# gradient_descent(grad_fn, x0, lr, steps) -> path (steps + 1, 2): the learner's own function.
GradientDescentFn = Callable[[Callable[[np.ndarray], np.ndarray], np.ndarray, float, int], np.ndarray]


class GradientDescentExplorer(LiveWidget):
    """Draws the path that *your* ``gradient_descent`` takes on a loss surface.

    The explorer does no optimisation itself: it calls the function you pass
    in, so what you see is your implementation at work.
    """

    failure = "Cannot draw yet: your gradient_descent raised {error}"
    failure_status = ""

    def __init__(self, gradient_descent: GradientDescentFn, surface: LossSurface = ELONGATED_BOWL,
                 lr: float = 0.05, start: tuple[float, float] = (-4.0, 2.0), steps: int = 30):
        super().__init__(figsize=(6.4, 4.2))
        self.gradient_descent = gradient_descent
        self.surface_choice = widgets.Dropdown(options=[(t(name), name) for name in SURFACES], value=surface.name,
                                               description=t("surface"))
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0.5, step=0.05,
                                         description=t("learning rate"), readout_format=".3f")
        self.start_x = widgets.FloatSlider(value=start[0], min=-5, max=5, step=0.1, description=t("start x"))
        self.start_y = widgets.FloatSlider(value=start[1], min=-3, max=3, step=0.1, description=t("start y"))
        self.steps = widgets.IntSlider(value=steps, min=1, max=200, description=t("steps"))
        controls = [self.surface_choice, self.lr, self.start_x, self.start_y, self.steps]
        for control in controls:
            control.style.description_width = "initial"  # show "learning rate" in full
        self.redraw_on_change(*controls)
        self.widget = self.compose(controls[:3], controls[3:])
        self._grids: dict[str, tuple] = {}
        self.redraw()

    @property
    def surface(self) -> LossSurface:
        return SURFACES[self.surface_choice.value]

    def path(self) -> np.ndarray:
        """The (steps + 1, 2) path of the learner's gradient descent for the current controls."""
        start = np.array([self.start_x.value, self.start_y.value], dtype=float)
        # A large learning rate diverges on purpose; the status line says so, numpy need not warn.
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self.gradient_descent(self.surface.gradient, start, self.lr.value, self.steps.value))

    def compute(self) -> np.ndarray:
        return self.path()

    def plot(self, fig, path: np.ndarray) -> str:
        surface = self.surface
        if surface.name not in self._grids:
            self._grids[surface.name] = surface.grid()
        X, Y, Z = self._grids[surface.name]
        ax = fig.add_subplot()
        ax.contour(X, Y, Z, levels=np.geomspace(max(Z.min(), 1e-3), Z.max(), 15), cmap="viridis", linewidths=0.8)
        finite = np.all(np.isfinite(path), axis=1)
        shown = path[finite]
        ax.plot(shown[:, 0], shown[:, 1], "o-", color="crimson", markersize=3, linewidth=1.2, label=t("your path"))
        ax.plot(*surface.minimum, "k*", markersize=12, label=t("minimum"))
        ax.set_xlim(*surface.x_range)
        ax.set_ylim(*surface.y_range)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(t(surface.name), fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
        return self._describe(path)

    def _describe(self, path: np.ndarray) -> str:
        with np.errstate(over="ignore", invalid="ignore"):
            losses = [self.surface.loss(point) for point in path if np.all(np.isfinite(point))]
        if len(losses) < len(path) or not np.isfinite(losses[-1]) or losses[-1] > 1e6:
            return t("Diverged: the learning rate is too large for this surface's steepest direction.")
        return t("Loss {first:.3g} → {last:.3g} after {steps} steps.", first=losses[0], last=losses[-1],
                 steps=len(path) - 1)
