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
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def unreachable_ancestor(path: Path) -> Path | None:
    """The highest folder above `path` that other users cannot traverse (root's home, here), or None."""
    for parent in reversed(path.parents):
        if parent != Path("/") and not os.stat(parent).st_mode & 0o001:
            return parent
    return None


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
        course = Path(self.course_dir)
        role = "instructor" if self.is_instructor else "student"
        hide: list[Path] = [Path("/srv")]
        binds = [f"--bind={self.exchange_dir}:{EXCHANGE_INSIDE}",
                 f"--ro-bind={Path(self.config_root) / role}:{CONFIG_INSIDE}"]
        python_home = Path(sys.base_prefix).resolve()
        blocked = unreachable_ancestor(python_home / "bin")
        if blocked:
            hide.append(blocked)
            binds.append(f"--ro-bind={python_home}")
        if self.is_instructor:
            binds.append(f"--bind={course}")
            workdir = course
        else:
            hide += [course, SOLUTIONS_DIR, REPO_ROOT / ".git"]
            workdir = None
        command = [sys.executable, "-m", "grader.hub_session", f"--user={self.user.name}", "--private-tmp"]
        command += [f"--hide={folder}" for folder in hide] + binds
        if workdir:
            command.append(f"--chdir={workdir}")
        return command + ["--", str(Path(sys.executable).parent / "jupyterhub-singleuser")]

    def get_env(self):
        env = super().get_env()
        env["PATH"] = f"{Path(sys.executable).parent}:{SYSTEM_PATH}"
        env["JUPYTER_CONFIG_PATH"] = str(CONFIG_INSIDE)
        return env

    async def start(self):
        self.cmd = self.session_command()
        self.notebook_dir = self.course_dir if self.is_instructor else "~"
        return await super().start()
