"""Plot defaults shared by every chapter, and figure-to-PNG rendering for widgets."""
from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure

COURSE_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 90,  # small PNGs keep notebooks and Binder light
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
}


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (idempotent)."""
    matplotlib.rcParams.update(COURSE_STYLE)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes without pyplot, so nothing is shown twice."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
