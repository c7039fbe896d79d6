"""Sliders wired to a drawing function: the smallest useful interactive plot."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
from matplotlib.axes import Axes

from dlcourse.widgets.live_figure import LiveFigure, LiveWidget


class SliderPlot(LiveWidget):
    """Redraws ``draw(ax, **values)`` whenever a slider is released.

    >>> view = SliderPlot(lambda ax, shift: ax.plot([0, 1], [shift, shift]),
    ...                   shift=widgets.FloatSlider(min=-1, max=1))
    >>> view.sliders["shift"].value = 0.5   # redraws, as a learner's drag would
    """

    def __init__(self, draw: Callable[..., None], **sliders: widgets.ValueWidget):
        if not sliders:
            raise ValueError("SliderPlot needs at least one slider, e.g. shift=widgets.FloatSlider()")
        self._draw = draw
        self.sliders = sliders
        self.live = LiveFigure()
        for name, slider in sliders.items():
            slider.description = slider.description or name
        self.redraw_on_change(*sliders.values())
        self.widget = widgets.VBox([widgets.HBox(list(sliders.values())), self.live.output])
        self.redraw()

    def values(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def redraw(self) -> None:
        self.live.figure.clear()
        ax: Axes = self.live.figure.add_subplot()
        try:
            self._draw(ax, **self.values())
        except Exception as error:  # a learner's unfinished function must not kill the widget
            self.live.show_message(f"Cannot draw yet: {type(error).__name__}: {error}")
            return
        self.live.draw(force=True)
