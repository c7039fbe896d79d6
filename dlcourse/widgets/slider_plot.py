"""Sliders wired to a drawing function: the smallest useful interactive plot."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
from matplotlib.axes import Axes

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget


class SliderPlot(LiveWidget):
    """Redraws ``draw(ax, **values)`` whenever a slider is released.

    >>> view = SliderPlot(lambda ax, shift: ax.plot([0, 1], [shift, shift]),
    ...                   shift=widgets.FloatSlider(min=-1, max=1))
    >>> view.sliders["shift"].value = 0.5   # redraws, as a learner's drag would
    """

    failure = "Cannot draw yet: {error}"

    def __init__(self, draw: Callable[..., None], **sliders: widgets.ValueWidget):
        if not sliders:
            raise ValueError(t("SliderPlot needs at least one slider, e.g. shift=widgets.FloatSlider()"))
        super().__init__()
        self._draw = draw
        self.sliders = sliders
        for name, slider in sliders.items():
            slider.description = slider.description or name
        self.redraw_on_change(*sliders.values())
        self.widget = self.compose(list(sliders.values()), status=False)
        self.redraw()

    def values(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def compute(self) -> None:
        ax: Axes = self.figure.add_subplot()
        self._draw(ax, **self.values())  # the learner's drawing function draws the figure itself

    def plot(self, figure, state) -> None:
        return None
