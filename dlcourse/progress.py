"""Progress bars for training loops, and loops that stop cleanly on interrupt."""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator, TypeVar

from tqdm.auto import tqdm

from dlcourse.i18n import t

T = TypeVar("T")


def progress(iterable: Iterable[T], description: str = "", **tqdm_kwargs) -> Iterator[T]:
    """tqdm.auto over ``iterable``: a widget bar in Jupyter, a text bar in a terminal."""
    tqdm_kwargs.setdefault("leave", True)
    tqdm_kwargs.setdefault("mininterval", 0.5)  # fewer redraws, less front-end load
    return tqdm(iterable, desc=description, **tqdm_kwargs)


@contextlib.contextmanager
def stop_on_interrupt(message: str | None = None):
    """Turn Jupyter's *Interrupt* (KeyboardInterrupt) into a clean early stop.

    Training code inside the ``with`` block simply ends; whatever the model
    learned so far is kept and the cells after it can still run.
    """
    try:
        yield
    except KeyboardInterrupt:
        print(t("Stopped early; the model keeps the weights it has.") if message is None else message)
