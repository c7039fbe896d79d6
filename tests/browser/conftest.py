"""Fixtures for the browser tests: a Binder-like JupyterLab and a headless Debian Chromium."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from grader.paths import CHAPTERS_DIR, REPO_ROOT, chapter_names, solution_notebook
from grader.translations import editions, translated

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# Binder gives one CPU and 2 GB of resident memory (a cgroup limit): pin the server
# and its kernels to one core, one thread each (binder/start), put them in a
# 2 GB memory cgroup (tests/browser/memory_limit.py), and assert each kernel's
# peak resident memory in the test as well.
BINDER_MEMORY_MB = 2048


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def binder_bin(tmp_path_factory) -> Path:
    import os

    from tests.browser.binder_env import build_binder_venv
    reuse = os.environ.get("DLCOURSE_REUSE_BINDER_VENV")  # for local iteration only; CI builds afresh
    if reuse and (Path(reuse) / "bin" / "jupyter").exists():
        return Path(reuse) / "bin"
    return build_binder_venv(Path(reuse) if reuse else tmp_path_factory.mktemp("binder") / "venv")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """Each chapter folder as released, with the notebook's answers filled in from the solution."""
    root = tmp_path_factory.mktemp("lab") / "chapters"
    for chapter in chapter_names():
        released = CHAPTERS_DIR / chapter
        # a chapter whose release is missing fails test_release; here we still run its solution
        shutil.copytree(released if released.is_dir() else solution_notebook(chapter).parent, root / chapter,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copy(solution_notebook(chapter), root / chapter / f"{chapter}.ipynb")
        for language in editions(chapter):  # the Chinese edition, answered: the translated solution
            solved = translated(nbformat.read(solution_notebook(chapter), as_version=4), chapter, language)
            nbformat.write(solved, root / chapter / f"{chapter}.{language}.ipynb")
    return root


@pytest.fixture(scope="session")
def binder_memory():
    """The 2 GB cgroup JupyterLab and its kernels run in."""
    import os

    from tests.browser.memory_limit import MemoryLimit
    problem = MemoryLimit.problem()
    if problem:
        pytest.fail(f"the browser tests hold JupyterLab to Binder's {BINDER_MEMORY_MB} MB with a memory cgroup, "
                    f"but {problem}")
    limit = MemoryLimit(f"dlcourse-binder-{os.getpid()}", BINDER_MEMORY_MB)
    yield limit
    limit.remove()


@pytest.fixture(scope="session")
def lab(binder_bin, workspace, artifacts, binder_memory):
    from tests.browser.jupyterlab_server import JupyterLabServer
    wrapper = [str(REPO_ROOT / "binder" / "start"), "taskset", "-c", "0"]
    server = JupyterLabServer(binder_bin, workspace, artifacts / "jupyterlab.log", wrapper=wrapper,
                              memory_limit=binder_memory)
    yield server
    server.stop()


# The `browser` fixture (headless Chromium) is in tests/conftest.py, shared with tests/hub/.


@pytest.fixture(scope="session")
def binder_runs(artifacts):
    """Run time and peak memory per chapter, written for the closing note and the README."""
    runs: dict = {}
    yield runs
    (artifacts / "binder_runs.json").write_text(json.dumps(runs, indent=2) + "\n")
