"""The course's code is one installed package: pyproject.toml agrees with requirements.txt, and every
interpreter (a plain one started anywhere, a notebook kernel) imports it from this checkout."""
from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib

from grader.environment_files import read_pins
from grader.paths import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
DISTRIBUTION = PYPROJECT["project"]["name"]
PACKAGES = ("dlcourse", "grader", "bench")
# Files that put the repository on the import path by hand, which the editable install replaces.
NOT_YET_CLEAN: set[str] = set()  # grader/ joined the installed package with issue 18
PATH_HACKS = re.compile(r"sys\.path\.(insert|append|extend)\(|sys\.path\s*(\[[^]]*\])?\s*\+?=(?!=)"
                        r"|PYTHONPATH[\"']?\]?\s*=(?!=)|setdefault\([\"']PYTHONPATH|\.pth[\"']\)\.write")


def test_dependencies_are_read_from_requirements_txt():
    assert PYPROJECT["project"]["dynamic"] == ["dependencies"]
    assert "dependencies" not in PYPROJECT["project"], "declare dependencies in requirements.txt only"
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}


def test_python_version_agrees_with_the_makefile_and_environment_files():
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.12"
    assert "PYTHON ?= python3.11" in (REPO_ROOT / "Makefile").read_text()
    assert "python=3.11" in (REPO_ROOT / "environment.yml").read_text()


def test_every_package_is_declared():
    found = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in PACKAGES:
        assert package in found and f"{package}.*" in found


def test_the_installed_metadata_matches_requirements_txt():
    """Fails when requirements.txt changed after the install: `make venv` reinstalls."""
    requires = importlib.metadata.requires(DISTRIBUTION) or []
    installed = read_pins("\n".join(requires))
    assert installed == read_pins((REPO_ROOT / "requirements.txt").read_text()), \
        "the installed package is stale: run `make venv`"


def test_a_python_started_elsewhere_imports_this_checkout(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    code = "import json, " + ", ".join(PACKAGES) + "; print(json.dumps([" + \
           ", ".join(f"{p}.__file__" for p in PACKAGES) + "]))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, check=True)
    for package, path in zip(PACKAGES, json.loads(result.stdout)):
        assert path == str(REPO_ROOT / package / "__init__.py")


def test_a_notebook_kernel_imports_this_checkout(tmp_path):
    from jupyter_client.manager import start_new_kernel

    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    printed: list[str] = []
    try:
        reply = client.execute_interactive("import dlcourse; print(dlcourse.__file__)", timeout=60,
                                           output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    assert "".join(printed).strip() == str(REPO_ROOT / "dlcourse" / "__init__.py")


def test_nothing_puts_the_repository_on_the_import_path_by_hand():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    code = [name for name in tracked if name.endswith(".py") or name in ("Makefile", "binder/postBuild",
                                                                          "binder/start", ".ci/run")]
    offending = [f"{name}:{number}: {line.strip()}"
                 for name in code if name not in NOT_YET_CLEAN and not name.startswith("datasets/")
                 for number, line in enumerate((REPO_ROOT / name).read_text().splitlines(), 1)
                 if PATH_HACKS.search(line)]
    assert not offending, "the editable install (pyproject.toml) makes these unnecessary:\n" + "\n".join(offending)
