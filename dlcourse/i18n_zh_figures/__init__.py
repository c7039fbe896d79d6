"""Chinese for the text the chapters draw themselves: figure titles, axis labels, legends, annotations.

A chapter's code cell writes ``ax.set_title(dl.t("Loss per step"))``; ``dl.t`` looks the English up here
when the notebook is the Chinese edition (see dlcourse.i18n). Each chapter's texts live in their own
module, ``chNN.py`` with a dict ``ZH``, so that a chapter's figures are translated in one place. The
same English text may appear in several chapters only with the same Chinese.

tests/test_dlcourse_i18n.py checks that every figure text a chapter draws goes through ``dl.t`` and has
a translation here with the same placeholders.
"""
from __future__ import annotations

import importlib
import pkgutil


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        chapter = importlib.import_module(f"{__name__}.{module_info.name}").ZH
        for english, chinese in chapter.items():
            if merged.setdefault(english, chinese) != chinese:
                raise ValueError(f"{module_info.name} translates {english!r} as {chinese!r}, "
                                 f"another chapter as {merged[english]!r}: use one translation")
    return merged


FIGURES_ZH = _merged()
