"""The hub's pieces that need neither root nor a browser: roster parsing, configuration, paths.

The hub itself, with real accounts, is tested end to end in tests/hub/ (browser tests, as root).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.errors import ClassroomError
from grader.hub import HubSettings, _write_role_configs, hub_config
from grader.hub_spawner import unreachable_ancestor
from grader.roster import read_roster, students_group


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_roster_reads_nbgraders_columns(tmp_path):
    students = read_roster(_csv(tmp_path, "id,first_name,last_name,email\nada,Ada,Lovelace,a@x.org\nbob,,,\n"))
    assert [(s.id, s.first_name, s.last_name, s.email) for s in students] == [
        ("ada", "Ada", "Lovelace", "a@x.org"), ("bob", "", "", "")]


@pytest.mark.parametrize("text, reason", [
    ("name\nada\n", "'id' column"),
    ("id\nAda Lovelace\n", "not a usable account name"),
    ("id\nroot+x\n", "not a usable account name"),  # '+' would break nbgrader's submission names
    ("id\n1ada\n", "not a usable account name"),
    ("id\nada\nada\n", "appears twice"),
])
def test_roster_refuses_bad_rows_before_writing(tmp_path, text, reason):
    with pytest.raises(ClassroomError, match=reason):
        read_roster(_csv(tmp_path, text))


def test_students_group_is_a_valid_group_name():
    group = students_group(Path("/srv/Deep Learning 2027, autumn term (evening class)"))
    assert group.startswith("students-") and len(group) <= 32 and " " not in group


def test_hub_config_uses_pam_the_course_group_and_our_spawner(tmp_path):
    settings = HubSettings(tmp_path / "course", instructor="teacher", port=8123, exchange=tmp_path / "exchange",
                           state=tmp_path / "state")
    text = hub_config(settings, "students-course")
    compile(text, "jupyterhub_config.py", "exec")
    assert 'authenticator_class = "pam"' in text and "DummyAuthenticator" not in text
    assert "allowed_groups = {'students-course'}" in text and "allowed_users = {'teacher'}" in text
    assert 'spawner_class = "grader.hub_spawner.CourseSpawner"' in text
    assert "c.JupyterHub.port = 8123" in text


def test_students_get_no_formgrader_and_every_terminal_keeps_the_course_path(tmp_path):
    settings = HubSettings(tmp_path / "course", state=tmp_path / "state", exchange=tmp_path / "exchange")
    _write_role_configs(settings)
    config = settings.state / "config"
    student = json.loads((config / "student/jupyter_server_config.json").read_text())["ServerApp"]
    assert student["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    disabled = json.loads((config / "student/labconfig/page_config.json").read_text())["disabledExtensions"]
    assert disabled["@jupyter/nbgrader:formgrader"] is True
    for role in ("student", "instructor"):
        server = json.loads((config / role / "jupyter_server_config.json").read_text())["ServerApp"]
        assert server["terminado_settings"]["shell_command"] == ["/bin/bash"]  # not a login shell
        nbgrader = (config / role / "nbgrader_config.py").read_text()
        assert "c.Exchange.root = '/srv/nbgrader/exchange'" in nbgrader
        assert "deep-learning-responsibly" in nbgrader
    assert str(settings.course) in (config / "instructor/nbgrader_config.py").read_text()
    assert str(settings.course) not in (config / "student/nbgrader_config.py").read_text()


def test_unreachable_ancestor_is_the_highest_closed_folder(tmp_path):
    closed = tmp_path / "closed"
    (closed / "inner").mkdir(parents=True)
    closed.chmod(0o700)
    found = unreachable_ancestor(closed / "inner" / "bin")
    assert found is not None and (found == closed or found in closed.parents)
    assert not os.stat(found).st_mode & 0o001
    assert all(os.stat(parent).st_mode & 0o001 for parent in found.parents)


def test_cli_roster_on_a_folder_that_is_not_a_course(tmp_path):
    roster = _csv(tmp_path, "id\nada\n")
    result = subprocess.run([sys.executable, "-m", "grader", "classroom", "roster", str(tmp_path), str(roster)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Cannot roster" in result.stderr and "gradebook.db" in result.stderr


def test_each_role_sees_what_it_needs_and_students_not_the_course(tmp_path):
    from grader.hub_spawner import server_command
    from grader.paths import REPO_ROOT, SOLUTIONS_DIR

    paths = {"course": tmp_path / "course", "exchange": tmp_path / "exchange", "config_root": tmp_path / "config"}
    for path in paths.values():
        path.mkdir()
    teacher = server_command("teach", instructor=True, **paths)
    student = server_command("ada", instructor=False, **paths)
    for command in (teacher, student):
        assert command[command.index("--") + 1].endswith("jupyterhub-singleuser")
        assert f"--bind={paths['exchange']}:/srv/nbgrader/exchange" in command
        assert "--private-tmp" in command and "--hide=/srv" in command
    assert f"--ro-bind={paths['config_root'] / 'instructor'}:/srv/nbgrader/config" in teacher
    assert f"--ro-bind={paths['config_root'] / 'student'}:/srv/nbgrader/config" in student
    assert f"--chdir={paths['course']}" in teacher
    # pytest's tmp_path is under /tmp, which every server gets empty: the instructor's course is bound back
    assert f"--bind={paths['course']}" in teacher and f"--bind={paths['course']}" not in student
    for hidden in (paths["course"], SOLUTIONS_DIR, REPO_ROOT / ".git"):
        assert f"--hide={hidden}" in student and f"--hide={hidden}" not in teacher
