"""Binder's 2 GB as a hard limit: a cgroup (v1 memory controller) around JupyterLab and its kernels.

Binder enforces memory with a cgroup on the whole container, so a kernel that
outgrows it is killed. An address-space limit (prlimit --as) would be stricter
than Binder, since torch reserves virtual memory it never touches; resident
memory in a cgroup is what Binder counts.
"""
from __future__ import annotations

import os
from pathlib import Path

MEMORY_CONTROLLER = Path("/sys/fs/cgroup/memory")


class MemoryLimit:
    """A fresh memory cgroup limited to `megabytes`; processes added to it, and their children, share the limit."""

    def __init__(self, name: str, megabytes: int):
        self.path = MEMORY_CONTROLLER / name
        self.path.mkdir()
        limit = str(megabytes * 2**20)
        (self.path / "memory.limit_in_bytes").write_text(limit)
        swap_limit = self.path / "memory.memsw.limit_in_bytes"
        if swap_limit.exists():  # memory plus swap: no escaping the limit into swap
            swap_limit.write_text(limit)

    @staticmethod
    def problem() -> str | None:
        """Why a memory cgroup cannot be made here, or None."""
        if not (MEMORY_CONTROLLER / "memory.limit_in_bytes").exists():
            return f"no cgroup v1 memory controller at {MEMORY_CONTROLLER}"
        if not os.access(MEMORY_CONTROLLER, os.W_OK):
            return f"{MEMORY_CONTROLLER} is not writable (run as root)"
        return None

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def times_hit(self) -> int:
        """How often an allocation ran into the limit."""
        return int((self.path / "memory.failcnt").read_text())

    def peak_megabytes(self) -> float:
        return int((self.path / "memory.max_usage_in_bytes").read_text()) / 2**20

    def remove(self) -> None:
        try:
            self.path.rmdir()  # only possible once every process in it has exited
        except OSError:
            pass
