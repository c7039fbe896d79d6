"""Fixtures for the hub test: a classroom on a real JupyterHub (Chromium, `browser`, is in tests/conftest.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hub.hub_server import Accounts, Hub, expose_app, make_course

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass
class Classroom:
    hub: Hub
    course: Path
    exchange: Path
    accounts: Accounts
    timings: dict

    @property
    def formgrader_url(self) -> str:
        return f"{self.hub.url}/user/{self.accounts.instructor}/formgrader"


@pytest.fixture(scope="session")
def hub_artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def classroom(hub_artifacts):
    import time

    if os.geteuid() != 0:
        pytest.skip("the hub runs as root (PAM and one Unix account per user); run the hub test as root")
    if not shutil.which("configurable-http-proxy"):
        pytest.fail("configurable-http-proxy is missing: `make test` installs Debian's node-configurable-http-proxy")
    timings: dict = {}
    # Not pytest's tmp_path: that is private to root, and the users' servers must reach the course's parent.
    base = Path(tempfile.mkdtemp(prefix="dlcourse-hub-", dir="/tmp"))
    base.chmod(0o755)
    accounts = Accounts()
    hub = None
    started = time.monotonic()
    try:
        course = make_course(base)
        timings["course_init_s"] = round(time.monotonic() - started, 1)
        roster = base / "roster.csv"
        roster.write_text("id,first_name,last_name,email\n" + "".join(
            f"{name},Student,{index},\n" for index, name in enumerate(accounts.students, start=1)))
        result = subprocess.run([sys.executable, "-m", "grader", "classroom", "roster", str(course), str(roster)],
                                capture_output=True, text=True, check=True)
        for line in result.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in accounts.students:
                accounts.passwords[parts[0]] = parts[1]
        assert set(accounts.passwords) == set(accounts.students), result.stdout
        (base / "exchange" / "another-course" / "outbound" / "another_course_assignment").mkdir(parents=True)
        hub = Hub(course, base / "exchange", base / "state", accounts.instructor, hub_artifacts / "hub.log")
        timings["hub_ready_s"] = round(hub.ready_seconds, 1)
        accounts.passwords[accounts.instructor] = hub.instructor_password()
        for name in (accounts.instructor, *accounts.students):
            expose_app(name)
        yield Classroom(hub, course, base / "exchange", accounts, timings)
    finally:
        if hub is not None:
            hub.stop()
        accounts.remove(base / "course")
        shutil.rmtree(base, ignore_errors=True)
        import json
        (hub_artifacts / "hub_timings.json").write_text(json.dumps(timings, indent=1) + "\n")
