"""Keep environment.yml and binder/environment.yml in step with requirements.txt.

``python -m grader.environment_files`` rewrites both from requirements.txt;
tests/test_environment_files.py fails when they drift.
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.paths import REPO_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")
PYTHON_VERSION = "3.11"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def read_pins(text: str) -> dict[str, str]:
    """name (normalised) -> version from lines like 'name==1.2.3'; local labels (+cpu) dropped."""
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line.strip().lstrip("- ").strip())
        if match:
            pins[normalise(match.group(1))] = match.group(2).split("+")[0]
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip_lines(requirements: str, *, cpu_torch: bool) -> list[str]:
    lines = []
    for line in requirements.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if cpu_torch and normalise(line.split("==")[0]) == "torch":
            line += "+cpu"  # the CPU wheel: Binder has no GPU, and the CUDA one is gigabytes
        lines.append(f"      - {line}")
    return lines


def render(requirements: str, *, binder: bool) -> str:
    head = [
        "# Generated from requirements.txt by `python -m grader.environment_files`; do not edit by hand.",
        "name: dlcourse",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
        "  - pip",
        "  - pip:",
    ]
    extra = [f"      - --extra-index-url {TORCH_CPU_INDEX}"] if binder else []
    return "\n".join(head + extra + _pip_lines(requirements, cpu_torch=binder)) + "\n"


def write_all(root: Path = REPO_ROOT) -> None:
    requirements = (root / "requirements.txt").read_text()
    (root / "environment.yml").write_text(render(requirements, binder=False))
    (root / "binder" / "environment.yml").write_text(render(requirements, binder=True))


if __name__ == "__main__":
    write_all()
    print("wrote environment.yml and binder/environment.yml")
