"""A real JupyterLab for browser tests: free port, random token, stopped by its pid."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.browser.memory_limit import MemoryLimit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLabServer:
    """`jupyter lab` from a given venv, optionally wrapped (binder/start, taskset) and in a memory cgroup."""

    def __init__(self, venv_bin: Path, root_dir: Path, log_path: Path, wrapper: list[str] | None = None,
                 extra_env: dict | None = None, memory_limit: MemoryLimit | None = None):
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.root_dir = root_dir
        settings = root_dir.parent / "jupyterlab-user"
        # JupyterLab 4 renders only the cells in view by default; the tests inspect every output.
        tracker = settings / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
        tracker.parent.mkdir(parents=True, exist_ok=True)
        tracker.write_text('{"windowingMode": "none"}\n')
        env = dict(os.environ, PATH=f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
                   JUPYTERLAB_SETTINGS_DIR=str(settings / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(settings / "workspaces"), **(extra_env or {}))
        command = [*(wrapper or []), str(venv_bin / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={root_dir}", "--LabApp.expose_app_in_browser=True",
                   "--ServerApp.port_retries=0", "--ServerApp.allow_root=True"]
        self._log = open(log_path, "w")
        # Own process group, so stopping it also stops the kernels it started.
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        cwd=root_dir, start_new_session=True)
        if memory_limit is not None:  # before any kernel starts: kernels inherit the server's cgroup
            memory_limit.add(self.process.pid)
        self._wait_until_ready()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def workspace_url(self, workspace: str, path: str) -> str:
        """`path` opened in a fresh, empty workspace: nothing restored from an earlier test's layout."""
        return self.url(f"lab/workspaces/{workspace}/tree/{path.lstrip('/')}") + "&reset"

    def shut_down_kernel(self, kernel_id: str) -> None:
        """Ask the server to stop a kernel; a kernel still busy with a timed-out run stops too."""
        request = urllib.request.Request(self.url(f"api/kernels/{kernel_id}"), method="DELETE")
        try:
            urllib.request.urlopen(request, timeout=30).close()
        except OSError:
            pass  # already gone

    def _wait_until_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; see {self._log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
