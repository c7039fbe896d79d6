"""The hub's spawner: JupyterHub's LocalProcessSpawner, each server in a namespace of its own.

JupyterHub's own LocalProcessSpawner switches to the user before exec. This
one hands the switch to ``grader.hub_session``, which first arranges what the
server sees (see that module), then becomes the user and execs
``jupyterhub-singleuser``. Everyone sees the exchange at nbgrader's default
path, ``/srv/nbgrader/exchange``, and the hub's nbgrader configuration for their
role (``JUPYTER_CONFIG_PATH``). The instructor's server opens in the course
folder; a student's opens in their home, with the course folder and the
repository's ``solutions/`` and ``.git`` not there at all.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

from grader.paths import REPO_ROOT, SOLUTIONS_DIR

EXCHANGE_INSIDE = Path("/srv/nbgrader/exchange")  # nbgrader's default Exchange.root
CONFIG_INSIDE = Path("/srv/nbgrader/config")
PRIVATE_TMP = Path("/tmp")  # each server gets an empty one
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def unreachable_ancestor(path: Path) -> Path | None:
    """The highest folder above `path` that other users cannot traverse (root's home, here), or None."""
    for parent in reversed(path.parents):
        if parent != Path("/") and parent.exists() and not os.stat(parent).st_mode & 0o001:
            return parent
    return None


def server_command(user: str, *, instructor: bool, course: Path, exchange: Path, config_root: Path) -> list[str]:
    """`grader.hub_session` with the mounts for this user's role, then `jupyterhub-singleuser`."""
    role = "instructor" if instructor else "student"
    binds = [f"--bind={exchange}:{EXCHANGE_INSIDE}", f"--ro-bind={config_root / role}:{CONFIG_INSIDE}"]
    hide = [Path("/srv")]
    # What every server must reach (the interpreter, the course's packages and venv), and, for the
    # instructor, the course folder: where a folder above them is closed to other users (root's home)
    # it is hidden and they are bound back; so are they when /tmp, made private, holds them.
    needed = [(Path(sys.base_prefix).resolve(), False), (REPO_ROOT, False)]
    if instructor:
        needed.append((course, True))
    for path, _ in needed:
        blocked = unreachable_ancestor(path)
        if blocked and blocked not in hide:
            hide.append(blocked)
    for path, writable in needed:
        if any(cover == path or cover in path.parents for cover in [*hide, PRIVATE_TMP]):
            binds.append(f"--{'bind' if writable else 'ro-bind'}={path}")
    if not instructor:
        hide += [course, SOLUTIONS_DIR, REPO_ROOT / ".git"]
    command = [sys.executable, "-m", "grader.hub_session", f"--user={user}", "--private-tmp"]
    command += [f"--hide={folder}" for folder in hide] + binds
    if instructor:
        command.append(f"--chdir={course}")
    return command + ["--", str(Path(sys.executable).parent / "jupyterhub-singleuser")]


class CourseSpawner(LocalProcessSpawner):
    course_dir = Unicode(help="the course folder made by `classroom init`").tag(config=True)
    instructor = Unicode(help="the account that owns the course folder and opens formgrader").tag(config=True)
    exchange_dir = Unicode(help="the exchange folder on this machine").tag(config=True)
    config_root = Unicode(help="folder with instructor/ and student/ Jupyter configuration").tag(config=True)

    @property
    def is_instructor(self) -> bool:
        return self.user.name == self.instructor

    def make_preexec_fn(self, name):
        return None  # grader.hub_session switches user after it has set up the mounts

    def session_command(self) -> list[str]:
        return server_command(self.user.name, instructor=self.is_instructor, course=Path(self.course_dir),
                              exchange=Path(self.exchange_dir), config_root=Path(self.config_root))

    def get_env(self):
        env = super().get_env()
        env["PATH"] = f"{Path(sys.executable).parent}:{SYSTEM_PATH}"
        env["JUPYTER_CONFIG_PATH"] = str(CONFIG_INSIDE)
        return env

    async def start(self):
        self.cmd = self.session_command()
        self.notebook_dir = self.course_dir if self.is_instructor else "~"
        return await super().start()
