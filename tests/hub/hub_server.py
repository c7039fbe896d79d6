"""A real `python -m grader classroom hub` for the test: its course, accounts and clean-up."""
from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.jupyterlab_server import free_port

CHAPTER = "00_start_here"
ESSAY_ID = "essay-why-standardise"
ESSAY_POINTS = 2
# The small course fixture: chapter 00 as `classroom init` makes it, plus one hand-graded essay
# (chapter 00 has none, and a chapter that has one takes minutes to autograde).
ESSAY_CELL = {
    "cell_type": "markdown", "id": ESSAY_ID,
    "metadata": {"nbgrader": {"grade": True, "solution": True, "locked": False, "points": ESSAY_POINTS,
                              "grade_id": ESSAY_ID, "schema_version": 3}},
    "source": ("**Essay (2 points).** Why standardise features before training?\n\n"
               "### BEGIN SOLUTION\n**Rubric**: 1 point for naming the scale problem, 1 for its effect on the "
               "step size; half credit for one of them stated vaguely.\n\n**Model answer**: features on very "
               "different scales make one learning rate too large for some and too small for others.\n"
               "### END SOLUTION"),
}


@dataclass
class Accounts:
    """Unix accounts made for one run; the prefix keeps them apart from real ones."""
    prefix: str = field(default_factory=lambda: f"hubt{secrets.token_hex(2)}")
    passwords: dict = field(default_factory=dict)

    @property
    def instructor(self) -> str:
        return f"{self.prefix}teach"

    @property
    def students(self) -> tuple[str, str]:
        return f"{self.prefix}s1", f"{self.prefix}s2"

    def remove(self, course: Path) -> None:
        import psutil

        from grader.roster import account_exists, remove_account, students_group

        for name in (self.instructor, *self.students):
            if not account_exists(name):
                continue
            uid = pwd.getpwnam(name).pw_uid
            # a server or kernel the hub failed to stop: userdel refuses an account with running processes
            left = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
            for process in left:
                process.kill()
            psutil.wait_procs(left, timeout=10)
            remove_account(name)
        subprocess.run(["groupdel", students_group(course)], capture_output=True)


def make_course(base: Path) -> Path:
    """`classroom init` for chapter 00, then the essay cell added to its source and the release regenerated."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grader import classroom

    course = base / "course"
    classroom.init(course, [CHAPTER])
    source = course / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    notebook = json.loads(source.read_text())
    notebook["cells"].insert(len(notebook["cells"]) - 2, ESSAY_CELL)  # before "Checking your work"
    source.write_text(json.dumps(notebook, indent=1) + "\n")
    c = Config()
    classroom.configure(c, course, sandbox={})
    result = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c).generate_assignment(CHAPTER, force=True)
    assert result["success"], result.get("error") or result.get("log")
    return course


def expose_app(username: str) -> None:
    """Test-only settings in the user's own ~/.jupyter: window.jupyterapp, and every cell rendered."""
    entry = pwd.getpwnam(username)
    home = Path(entry.pw_dir)
    files = {
        "jupyter_server_config.json": json.dumps({"LabApp": {"expose_app_in_browser": True}}),
        "lab/user-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    }
    config = home / ".jupyter"
    for relative, text in files.items():
        (config / relative).parent.mkdir(parents=True, exist_ok=True)
        (config / relative).write_text(text + "\n")
    for path in [config, *config.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


class Hub:
    """`python -m grader classroom hub` in its own process group, on a free port."""

    def __init__(self, course: Path, exchange: Path, state: Path, instructor: str, log_path: Path):
        self.port = free_port()
        self.state = state
        self.log_path = log_path
        self._log = open(log_path, "w")
        command = [sys.executable, "-m", "grader", "classroom", "hub", str(course), "--port", str(self.port),
                   "--instructor", instructor, "--exchange", str(exchange), "--state", str(state)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.ready_seconds = self._wait_until_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def instructor_password(self) -> str:
        match = re.search(r"initial password, shown once: (\S+)", self.log_path.read_text())
        assert match, f"the hub printed no password for the new instructor account; see {self.log_path}"
        return match.group(1)

    def _wait_until_ready(self, timeout: float = 180) -> float:
        while time.monotonic() - self.started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - self.started
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the hub did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the command passes it on: JupyterHub stops the servers, then its proxy
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:  # the command and JupyterHub share a process group; the proxy has its own
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                from grader.hub import _stop_proxy
                _stop_proxy(self.state / "proxy.pid")
        self._log.close()
