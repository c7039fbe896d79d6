"""What every course widget is made of: a figure shown in an Output area, a status line, and one way
to call the learner's code and to redraw."""
from __future__ import annotations

import base64
import time
from typing import Any, Callable, TypeVar

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.figure import Figure

from dlcourse.i18n import t
from dlcourse.plotting import figure_png, use_course_style

T = TypeVar("T")


class LiveFigure:
    """Owns a Figure and an Output area; ``draw()`` re-renders at most every ``min_interval`` s.

    The figure is created without pyplot, so the inline backend never shows a
    second, stale copy, and it is rendered to PNG ourselves, so the same output
    works in JupyterLab, Binder and nbgrader's HTML feedback.

    With ``from_any_thread=True`` it may also be drawn from a background thread
    (a training loop): displaying inside the Output's context manager routes
    output by the message id of the cell now running, and a background thread
    has no such cell, so its frames could be lost or land elsewhere. Setting the
    Output's ``outputs`` directly syncs them as widget state from any thread.
    """

    def __init__(self, figsize: tuple[float, float] = (6.4, 4.0), min_interval: float = 0.25,
                 from_any_thread: bool = False):
        use_course_style()
        self.figure = Figure(figsize=figsize)
        self.output = widgets.Output()
        self.min_interval = min_interval
        self.from_any_thread = from_any_thread
        self.draw_count = 0
        self._last_draw = 0.0
        self.last_png: bytes = b""

    def due(self) -> bool:
        """Whether ``min_interval`` has passed since the last draw."""
        return time.monotonic() - self._last_draw >= self.min_interval

    def draw(self, force: bool = False) -> bool:
        """Render the figure into the Output area; return whether it was redrawn.

        Without ``force`` a call within ``min_interval`` of the previous draw is
        skipped: training loops may call this every step without flooding the
        browser. Call with ``force=True`` once at the end to show the final state.
        """
        if not force and not self.due():
            return False
        self._last_draw = time.monotonic()
        self.last_png = figure_png(self.figure)
        self._show({"output_type": "display_data", "metadata": {},
                    "data": {"image/png": base64.b64encode(self.last_png).decode("ascii"),
                             "text/plain": "<figure>"}},
                   lambda: display(Image(data=self.last_png)))
        self.draw_count += 1
        return True

    def show_message(self, message: str) -> None:
        """Replace the view with a one-line message (used when a learner's function fails)."""
        self._show({"output_type": "stream", "name": "stdout", "text": message + "\n"}, lambda: print(message))

    def _show(self, output: dict, show_in_cell: Callable[[], None]) -> None:
        if self.from_any_thread:
            self.output.outputs = (output,)
            return
        self.output.clear_output(wait=True)
        with self.output:
            show_in_cell()


class LiveWidget:
    """What every course widget shares: one figure, one status line, one guarded call, one redraw.

    A subclass calls ``super().__init__(figsize=...)``, which builds ``self.live``
    (the figure and the Output area that shows it) and ``self.status`` (a line of
    text under the controls); makes its controls; sets ``self.widget =
    self.compose(rows...)``; and implements the two steps of ``redraw()``:

    - ``compute()`` runs the learner's code and returns what to draw (a widget
      whose learner's function draws, like ``SliderPlot``, draws here);
    - ``plot(figure, state)`` draws that on the figure and returns the new status
      line, or None to leave it as it is.

    ``redraw(force=True) -> bool`` is the one contract: rebuild the view from the
    controls and return whether the figure was drawn. It never raises because of
    the learner's code: when ``failure`` is set, an exception from ``compute()``
    is shown in the widget (``guarded``) and ``redraw`` returns False. Without
    ``force`` a call within ``min_interval`` of the last draw does nothing.

    ``figure``, ``draw_count``, ``last_error`` and ``message`` let tests and
    learners check what the view shows; displaying the object shows ``widget``.
    """

    # The message shown when compute() raises, "{error}" standing for "TypeName: message";
    # None when compute() runs only the widget's own code, whose errors should surface.
    failure: str | None = None
    # The status line after such a failure: None repeats the message, "" clears it.
    failure_status: str | None = None
    last_error: BaseException | None = None  # what the learner's code raised, while the view shows it
    message: str = ""  # the message shown instead of the figure, if any
    live: LiveFigure
    status: widgets.Label
    widget: widgets.Widget

    def __init__(self, figsize: tuple[float, float] = (6.4, 4.0), min_interval: float = 0.25, *,
                 from_any_thread: bool = False, status: str = ""):
        self.live = LiveFigure(figsize=figsize, min_interval=min_interval, from_any_thread=from_any_thread)
        self.status = widgets.Label(status)

    @property
    def figure(self) -> Figure:
        return self.live.figure

    @property
    def draw_count(self) -> int:
        return self.live.draw_count

    def compose(self, *rows: widgets.Widget | list[widgets.Widget], status: bool = True) -> widgets.VBox:
        """The view: each row (a list of controls goes side by side), the status line, the figure."""
        boxes = [widgets.HBox(list(row)) if isinstance(row, (list, tuple)) else row for row in rows]
        return widgets.VBox([*boxes, *([self.status] if status else []), self.live.output])

    def redraw_on_change(self, *controls: widgets.ValueWidget) -> None:
        """Redraw when a control's value changes: once on release, not on every step of a drag."""
        for control in controls:
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
            control.observe(lambda _change: self.redraw(), names="value")

    # -- the redraw contract -----------------------------------------------------------

    def redraw(self, force: bool = True) -> bool:
        """Rebuild the view from the controls; return whether the figure was drawn."""
        if not force and not self.live.due():
            return False  # skip building the plot, not only rendering it
        self.figure.clear()
        if self.failure is None:
            state = self.compute()
        else:
            succeeded, state = self.guarded(self.compute, self.failure, status=self.failure_status)
            if not succeeded:
                return False
        status = self.plot(self.figure, state)
        if status is not None:
            self.status.value = status
        return self.live.draw(force=True)

    def compute(self) -> Any:
        """Run the learner's code for the current controls; return what ``plot`` draws."""
        return None

    def plot(self, figure: Figure, state: Any) -> str | None:
        """Draw ``state`` on the cleared figure; return the status line, or None to keep it."""
        raise NotImplementedError

    # -- the learner's code --------------------------------------------------------------

    def guarded(self, action: Callable[[], T], failure: str, *, status: str | None = None,
                in_figure: bool = True) -> tuple[bool, T | None]:
        """Run ``action``, which calls the learner's code; show an exception in the widget, never raise it.

        An exception inside a widget callback would land in a log the learner
        never sees and leave a stale view. Instead ``failure`` ("{error}" stands
        for "TypeName: message") replaces the figure (unless ``in_figure`` is
        False) and the status line shows ``status`` (None: the same message).
        Returns (True, result), clearing ``last_error``, or (False, None).
        """
        try:
            result = action()
        except Exception as error:
            # failure and status are English keys, shown in the notebook's language (dlcourse.i18n)
            self.show_problem(t(failure, error=f"{type(error).__name__}: {error}"), error,
                              status=t(status) if status else status, in_figure=in_figure)
            return False, None
        self.last_error, self.message = None, ""
        return True, result

    def show_problem(self, message: str, error: BaseException | None = None, *, status: str | None = None,
                     in_figure: bool = True) -> None:
        """Say what is wrong in place of the figure and in the status line; keep it in ``last_error``."""
        self.last_error, self.message = error, message
        if in_figure:
            self.live.show_message(message)
        self.status.value = message if status is None else status

    def _ipython_display_(self) -> None:
        display(self.widget)
