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


# Fonts with Chinese glyphs, tried in this order after the default; matplotlib falls back glyph by
# glyph, so Latin text keeps DejaVu Sans. Debian's fonts-noto-cjk (make system-packages) has the first.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
             "PingFang SC", "SimHei")


def installed_cjk_fonts() -> list[str]:
    """The CJK_FONTS matplotlib can find here (naming a missing one would print a warning per figure)."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in names]


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (idempotent), with a Chinese font where one is installed."""
    matplotlib.rcParams.update(COURSE_STYLE)
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", *installed_cjk_fonts()]


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes without pyplot, so nothing is shown twice."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
