"""What dlcourse shows the learner, in the language of the notebook's edition.

The English text is the key and the catalog below lists its Chinese translation,
using the terms of docs/zh/glossary.md. ``t("Loss {first:.3g}", first=x)`` looks the
English text up for the current language and formats it, so English output stays
exactly what the f-string used to print. Text without a translation stays English.

The language is, in order: what ``set_language`` chose; Chinese when the notebook
being run is a Chinese-edition file, named ``NN_slug.zh.ipynb`` (JupyterLab and VS Code
tell the kernel the notebook's path, see ``running_notebook``); else English. The chapters'
own figure texts are translated in dlcourse/i18n_zh_figures/.
"""
from __future__ import annotations

import os
from pathlib import Path

from dlcourse.i18n_zh import ZH
from dlcourse.i18n_zh_figures import FIGURES_ZH

LANGUAGES = ("en", "zh")
# dlcourse's own texts, and the figure texts the chapters draw through t().
_TRANSLATIONS = {"zh": {**FIGURES_ZH, **ZH}}
_chosen: str | None = None  # set by set_language; None follows the notebook


def set_language(lang: str | None) -> None:
    """Show dlcourse's labels, status lines and messages in ``lang`` ("en" or "zh"); None follows the notebook."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"set_language takes 'en' or 'zh' (or None to follow the notebook), got {lang!r}")
    _chosen = lang


def edition_of(notebook: str | os.PathLike) -> str:
    """The edition a notebook file belongs to, from its name: ``NN_slug.zh.ipynb`` is Chinese."""
    return "zh" if Path(notebook).name.endswith(".zh.ipynb") else "en"


def language(notebook: str | os.PathLike | None = None) -> str:
    """The language dlcourse speaks now: ``set_language``'s choice, else the notebook's edition.

    The notebook is ``notebook`` when given, else the one being run (see ``running_notebook``).
    """
    if _chosen is not None:
        return _chosen
    if notebook is None:
        notebook = running_notebook()
    return edition_of(notebook) if notebook else "en"


def running_notebook() -> str:
    """The path of the notebook this kernel runs, as its front end tells it; "" when none does.

    Jupyter Server (JupyterLab, Notebook 7) puts it in the kernel's JPY_SESSION_NAME; VS Code
    defines ``__vsc_ipynb_file__`` in the kernel's namespace. Other front ends tell nothing:
    there ``dl.set_language("zh")`` chooses Chinese.
    """
    path = os.environ.get("JPY_SESSION_NAME", "")
    if path:
        return path
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    shell = get_ipython()
    return str(shell.user_ns.get("__vsc_ipynb_file__", "")) if shell is not None else ""


def translate(text: str, lang: str, **values) -> str:
    """``text`` in ``lang`` (English when there is no translation), formatted with ``values`` if any."""
    text = _TRANSLATIONS.get(lang, {}).get(text, text)
    return text.format(**values) if values else text


def t(text: str, **values) -> str:
    """``text`` in the current language, formatted with ``values``: ``t("{n} steps", n=3)``."""
    return translate(text, language(), **values)
