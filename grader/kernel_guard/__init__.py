"""Code the grader runs *inside* the kernel, before any learner code, to protect test cells.

The grader sends the text of this package's modules to the kernel as one
block (it is never imported there, so it is not in ``sys.modules``, and the
sandbox need not see the grader) and calls ``install`` with a spec built from
the chapter's source notebook (``grader.chapter_spec``). The modules, in the
order they are sent:

* ``ipython_private``: the private IPython/ipykernel names the guard needs, in
  one place, with the versions they were checked against;
* ``snapshot``: what the kernel looks like before learner code (watched
  packages' modules, classes, functions; builtins; ``sys`` hooks; the IPython
  machinery a cell goes through);
* ``restore``: compare with the snapshot and put it back; rebind the names
  the tests import; event callbacks; random seeds;
* ``trust``: the comparison helpers refuse learner classes that pretend to be
  numbers or arrays;
* ``guard``: ``Guard.checkpoint`` / ``verify`` / ``record`` and ``install``;
  results go back as ``display_data`` carrying the grader's nonce.

In the kernel all modules share one namespace named ``_grader``; imported
normally (as the unit tests do, in a plain IPython ``InteractiveShell``) each
module imports what it needs from its siblings.

All of this runs in the learner's process, so it raises the bar rather than
closing the door: a learner who reads this code and uses ``ctypes`` or ``gc``
can defeat it. Classroom mode adds the sandbox and flags such code for review.
"""
from pathlib import Path

SOURCE_MODULES = ("ipython_private", "snapshot", "restore", "trust", "guard")


def guard_source() -> str:
    """The guard's modules as one block of source, for the kernel."""
    folder = Path(__file__).parent
    return "\n\n".join((folder / f"{name}.py").read_text() for name in SOURCE_MODULES)
