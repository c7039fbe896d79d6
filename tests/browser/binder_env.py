"""The closest we can get to Binder here: a fresh venv from binder/environment.yml's pip section alone."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.paths import REPO_ROOT

BINDER_DIR = REPO_ROOT / "binder"


def binder_pip_requirements() -> list[str]:
    """The pip section of binder/environment.yml, made installable without Binder's network.

    Binder reaches PyTorch's CPU index; this machine reaches PyPI only, where
    `torch==2.13.0` resolves to the CPU wheel on disk. The two lines that differ
    are rewritten; every other pin is taken as written.
    """
    lines, in_pip = [], False
    for raw in (BINDER_DIR / "environment.yml").read_text().splitlines():
        stripped = raw.strip()
        if stripped == "- pip:":
            in_pip = True
            continue
        if in_pip and stripped.startswith("- "):
            item = stripped[2:].strip()
            if item.startswith("--extra-index-url"):
                continue
            lines.append(item.replace("+cpu", ""))
    return lines


def build_binder_venv(target: Path) -> Path:
    """Create the venv, install the pins, run binder/postBuild in it; return its bin/ folder."""
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(target)], check=True)
    requirements = target / "binder-requirements.txt"
    requirements.write_text("\n".join(binder_pip_requirements()) + "\n")
    bin_dir = target / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    "-r", str(requirements)], check=True)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    post_build = subprocess.run([str(BINDER_DIR / "postBuild")], cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True)
    if post_build.returncode != 0:
        raise RuntimeError(f"binder/postBuild failed:\n{post_build.stdout}\n{post_build.stderr}")
    return bin_dir
