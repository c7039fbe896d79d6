"""A matplotlib figure shown in an ipywidgets Output area, redrawn at a throttled rate."""
from __future__ import annotations

import time

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.figure import Figure

from dlcourse.plotting import figure_png, use_course_style


class LiveFigure:
    """Owns a Figure and an Output area; ``draw()`` re-renders at most every ``min_interval`` s.

    The figure is created without pyplot, so the inline backend never shows a
    second, stale copy, and it is rendered to PNG ourselves, so the same output
    works in JupyterLab, Binder and nbgrader's HTML feedback.
    """

    def __init__(self, figsize: tuple[float, float] = (6.4, 4.0), min_interval: float = 0.25):
        use_course_style()
        self.figure = Figure(figsize=figsize)
        self.output = widgets.Output()
        self.min_interval = min_interval
        self.draw_count = 0
        self._last_draw = 0.0
        self.last_png: bytes = b""

    def draw(self, force: bool = False) -> bool:
        """Render the figure into the Output area; return whether it was redrawn.

        Without ``force`` a call within ``min_interval`` of the previous draw is
        skipped: training loops may call this every step without flooding the
        browser. Call with ``force=True`` once at the end to show the final state.
        """
        now = time.monotonic()
        if not force and now - self._last_draw < self.min_interval:
            return False
        self._last_draw = now
        self.last_png = figure_png(self.figure)
        self.output.clear_output(wait=True)
        with self.output:
            display(Image(data=self.last_png))
        self.draw_count += 1
        return True

    def show_message(self, message: str) -> None:
        """Replace the view with a one-line message (used when a learner's function fails)."""
        self.output.clear_output(wait=True)
        with self.output:
            print(message)


class LiveWidget:
    """What every course widget shares: a LiveFigure in ``self.live``, a view in ``self.widget``.

    Subclasses build both in ``__init__`` and implement ``redraw()``. ``figure``
    and ``draw_count`` let tests and learners check that a control changed the
    view; displaying the object shows ``self.widget``.
    """

    live: LiveFigure
    widget: widgets.Widget

    @property
    def figure(self) -> Figure:
        return self.live.figure

    @property
    def draw_count(self) -> int:
        return self.live.draw_count

    def redraw_on_change(self, *controls: widgets.ValueWidget) -> None:
        """Redraw when a control's value changes: once on release, not on every step of a drag."""
        for control in controls:
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
            control.observe(lambda _change: self.redraw(), names="value")

    def redraw(self) -> None:
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        display(self.widget)
