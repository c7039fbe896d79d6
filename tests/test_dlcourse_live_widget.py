"""The base every widget shares: its redraw contract and its guarded call to the learner's code."""
from __future__ import annotations

import threading

import ipywidgets as widgets
import pytest

from dlcourse.widgets.live_figure import LiveFigure, LiveWidget


class Squares(LiveWidget):
    """The smallest widget on the base: plots the learner's function of a slider's value."""

    failure = "Cannot draw yet: your function raised {error}"
    failure_status = "Finish square first."

    def __init__(self, square):
        super().__init__(figsize=(3, 2))
        self.square = square
        self.n = widgets.IntSlider(value=3, min=1, max=10)
        self.redraw_on_change(self.n)
        self.widget = self.compose([self.n])
        self.redraw()

    def compute(self):
        return [self.square(x) for x in range(self.n.value)]

    def plot(self, figure, values):
        figure.add_subplot().plot(values)
        return f"{len(values)} values"


def test_redraw_runs_compute_then_plot_and_sets_the_status():
    view = Squares(lambda x: x * x)
    assert view.draw_count == 1 and view.status.value == "3 values"
    view.n.value = 5
    assert view.draw_count == 2 and view.status.value == "5 values"
    assert list(view.figure.axes[0].lines[0].get_ydata()) == [0, 1, 4, 9, 16]
    assert view.redraw() is True and view.draw_count == 3


def test_a_failing_learner_function_is_shown_not_raised_and_recovers():
    calls = []

    def square(x):
        calls.append(x)
        if len(calls) > 3:
            raise NotImplementedError("not yet")
        return x * x

    view = Squares(square)
    assert view.last_error is None and view.message == ""
    assert view.redraw() is False  # must not raise
    assert isinstance(view.last_error, NotImplementedError)
    assert view.message == "Cannot draw yet: your function raised NotImplementedError: not yet"
    assert view.status.value == "Finish square first."
    assert view.draw_count == 1
    view.square = lambda x: x * x
    view.n.value = 4
    assert view.last_error is None and view.message == "" and view.draw_count == 2


def test_an_error_in_the_widgets_own_drawing_is_not_hidden():
    class Broken(Squares):
        def plot(self, figure, values):
            raise RuntimeError("a bug in the widget")

    with pytest.raises(RuntimeError, match="a bug in the widget"):
        Broken(lambda x: x)


def test_compose_puts_rows_then_status_then_figure():
    view = Squares(lambda x: x)
    row, status, figure = view.widget.children
    assert isinstance(row, widgets.HBox) and row.children == (view.n,)
    assert status is view.status and figure is view.live.output
    bare = view.compose([view.n], status=False)
    assert view.status not in bare.children and bare.children[-1] is view.live.output


def test_unforced_redraws_are_throttled():
    view = Squares(lambda x: x)
    view.live.min_interval = 60.0
    assert view.redraw(force=False) is False and view.draw_count == 1
    assert view.redraw() is True and view.draw_count == 2


def test_a_figure_drawn_from_another_thread_lands_in_the_output():
    live = LiveFigure(min_interval=0.0, from_any_thread=True)
    live.figure.add_subplot().plot([0, 1])
    worker = threading.Thread(target=live.draw)
    worker.start()
    worker.join()
    (output,) = live.output.outputs
    assert output["output_type"] == "display_data" and output["data"]["image/png"]
    live.show_message("stopped")
    assert live.output.outputs == ({"output_type": "stream", "name": "stdout", "text": "stopped\n"},)
