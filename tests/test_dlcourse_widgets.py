"""Widgets driven from Python, as a learner's drag would drive them."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

import dlcourse as dl
from dlcourse.surfaces import ELONGATED_BOWL, ROSENBROCK, SURFACES
from dlcourse.widgets.live_figure import LiveFigure


def reference_gradient_descent(grad_fn, x0, lr, steps):
    """Written here, independently of any notebook."""
    points = [np.array(x0, dtype=float)]
    for _ in range(steps):
        points.append(points[-1] - lr * grad_fn(points[-1]))
    return np.stack(points)


def test_live_figure_throttles_unforced_draws():
    live = LiveFigure(min_interval=60.0)
    live.figure.add_subplot().plot([0, 1])
    assert live.draw() is True
    assert live.draw() is False, "a second draw within min_interval must be skipped"
    assert live.draw(force=True) is True
    assert live.draw_count == 2
    assert live.last_png.startswith(b"\x89PNG")


def test_slider_plot_redraws_when_a_slider_moves():
    drawn = []

    def draw(ax, shift):
        drawn.append(shift)
        ax.plot([0, 1], [shift, shift])

    view = dl.widgets.SliderPlot(draw, shift=widgets.FloatSlider(value=0.0, min=-1, max=1))
    before = view.live.last_png
    view.sliders["shift"].value = 0.75
    assert drawn == [0.0, 0.75]
    assert view.draw_count == 2
    assert view.live.last_png != before


def test_slider_plot_reports_a_failing_draw_instead_of_raising():
    def draw(ax, shift):
        raise NotImplementedError("not yet")

    view = dl.widgets.SliderPlot(draw, shift=widgets.FloatSlider())
    view.sliders["shift"].value = 0.5  # must not raise in the widget callback
    assert view.draw_count == 0


def test_slider_plot_needs_a_slider():
    with pytest.raises(ValueError, match="at least one slider"):
        dl.widgets.SliderPlot(lambda ax: None)


def test_explorer_draws_the_learners_path_and_redraws_on_every_control():
    explorer = dl.widgets.GradientDescentExplorer(reference_gradient_descent, lr=0.05, steps=20)
    path = explorer.path()
    assert path.shape == (21, 2)
    np.testing.assert_allclose(path[0], [-4.0, 2.0])
    line = explorer.figure.axes[0].lines[0]
    np.testing.assert_allclose(np.column_stack(line.get_data()), path)
    pngs = {explorer.live.last_png}
    for control, value in [(explorer.lr, 0.1), (explorer.start_x, 3.0), (explorer.start_y, -1.0),
                           (explorer.steps, 50), (explorer.surface_choice, ROSENBROCK.name)]:
        control.value = value
        pngs.add(explorer.live.last_png)
    assert explorer.draw_count == 6
    assert len(pngs) == 6, "every control change should change the picture"
    assert explorer.path().shape == (51, 2)


def test_explorer_reports_divergence_and_convergence():
    explorer = dl.widgets.GradientDescentExplorer(reference_gradient_descent, lr=0.05, steps=200)
    assert explorer.status.value.startswith("Loss")
    explorer.lr.value = 0.3  # above 2 / 10 on the elongated bowl
    assert explorer.status.value.startswith("Diverged")


def test_a_diverging_path_is_reported_without_numpy_warnings():
    import warnings

    explorer = dl.widgets.GradientDescentExplorer(reference_gradient_descent, lr=0.1, steps=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would show as red text under the widget
        explorer.start_x.value = 3.0
        explorer.surface_choice.value = ROSENBROCK.name  # overflows to inf, then nan, at this learning rate
    assert not np.all(np.isfinite(explorer.path()))
    assert explorer.status.value.startswith("Diverged")


def test_explorer_survives_an_unfinished_exercise():
    def unfinished(grad_fn, x0, lr, steps):
        raise NotImplementedError()

    explorer = dl.widgets.GradientDescentExplorer(unfinished)
    explorer.lr.value = 0.1
    assert explorer.draw_count == 0


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=lambda s: s.name.split()[0])
def test_surface_gradients_match_central_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = rng.uniform(-1.5, 1.5, size=2)
        eps = 1e-6
        numeric = np.array([(surface.loss(point + eps * e) - surface.loss(point - eps * e)) / (2 * eps)
                            for e in np.eye(2)])
        np.testing.assert_allclose(surface.gradient(point), numeric, rtol=1e-5, atol=1e-7)
    assert np.allclose(surface.gradient(np.array(surface.minimum)), 0.0)
    X, Y, Z = surface.grid(resolution=10)
    assert X.shape == Y.shape == Z.shape == (10, 10)
    assert Z.min() >= 0.0


def test_elongated_bowl_diverges_exactly_above_two_over_curvature():
    start = np.array([1.0, 1.0])
    converging = reference_gradient_descent(ELONGATED_BOWL.gradient, start, 0.19, 300)
    diverging = reference_gradient_descent(ELONGATED_BOWL.gradient, start, 0.21, 300)
    assert ELONGATED_BOWL.loss(converging[-1]) < 1e-6
    assert ELONGATED_BOWL.loss(diverging[-1]) > 1e6
