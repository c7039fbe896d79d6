"""Helpers the course notebooks import as ``import dlcourse as dl``.

One concept per module. Nothing here answers an exercise: graded functions are
written by the learner in the notebook, and widgets that need one take it as an
argument.
"""
from dlcourse import data, surfaces, widgets
from dlcourse.checking import check_your_work
from dlcourse.device import device
from dlcourse.i18n import language, set_language, t
from dlcourse.plotting import use_course_style
from dlcourse.progress import progress, stop_on_interrupt
from dlcourse.seeding import seed_everything

__all__ = [
    "check_your_work",
    "data",
    "surfaces",
    "widgets",
    "device",
    "language",
    "set_language",
    "t",
    "progress",
    "seed_everything",
    "stop_on_interrupt",
    "use_course_style",
]
