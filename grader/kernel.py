"""Starting the grading kernel: our command, a clean environment, optionally inside the sandbox.

The kernel is always ``python -m ipykernel_launcher`` of this interpreter (no
kernelspec a learner could edit), with its stdout and stderr sent to
/dev/null (or, in classroom mode, stderr to a log for the instructor), so
nothing the learner prints or ``os.write``s reaches the grader's own output;
without ``NBGRADER_*`` variables (no grading-mode signal), with a fresh
``IPYTHONDIR`` (no startup files) and a fixed ``PYTHONHASHSEED``. In classroom
mode the command is wrapped in the sandbox (``grader.sandbox``) and talks over
Unix sockets.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

# Environment variables that would tell learner code it is being graded.
_GRADING_SIGNALS = ("NBGRADER_", "JPY_SESSION_NAME", "DLCOURSE_GRADER")


# The longest single wait on a kernel socket; see SlicedPollChannel.
POLL_SLICE_S = 0.5
# Child processes of the kernel beyond which the grader ends them after a cell.
STRAY_PROCESSES_ALLOWED = 64


class SlicedPollChannel(AsyncZMQSocketChannel):
    """A kernel channel that waits for a message in short polls instead of one long one.

    jupyter_client waits with a single zmq.asyncio poll for the whole timeout
    (nbclient: the cell's 180 s). Under CPU contention (two checks at once on
    a 2-core machine) that poll can miss the socket's edge-triggered wake-up:
    the cell's reply sits readable in the socket (ZMQ_EVENTS has POLLIN) while
    the poll sleeps until the timeout, and the cell is then reported as timed
    out. A fresh poll every POLL_SLICE_S re-checks the socket, so a missed
    wake-up costs at most that long.

    A message that fails to deserialize (a kernel that could not finish
    sending one, e.g. starved of threads by a fork bomb, leaves frames that do
    not match their signature) is dropped rather than ending the grading run.
    """

    dropped = 0

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            wait = POLL_SLICE_S if deadline is None else max(0.0, min(POLL_SLICE_S, deadline - monotonic()))
            try:
                return await super().get_msg(timeout=wait)
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise
            except ValueError:  # jupyter_client's Session: invalid or duplicate signature, bad frames
                self.dropped += 1


class GraderKernelClient(AsyncKernelClient):
    shell_channel_class = Type(SlicedPollChannel)
    iopub_channel_class = Type(SlicedPollChannel)
    stdin_channel_class = Type(SlicedPollChannel)
    control_channel_class = Type(SlicedPollChannel)


class GraderKernelManager(AsyncKernelManager):
    """A kernel manager whose command is ours, optionally wrapped in a sandbox."""

    client_class = DottedObjectName("grader.kernel.GraderKernelClient")
    client_factory = Type(klass="grader.kernel.GraderKernelClient", config=True)

    def __init__(self, *, command_prefix: list[str], interrupt_by_message: bool, sandbox_uid: int | None,
                 **kwargs):
        super().__init__(**kwargs)
        self._command_prefix = list(command_prefix)
        self._sandbox_uid = sandbox_uid
        self._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                  "--HistoryManager.hist_file=:memory:", "--IPKernelApp.quiet=True"],
            display_name="Python 3 (grader)", language="python",
            interrupt_mode="message" if interrupt_by_message else "signal",
            metadata={"debugger": False},
        )

    @property
    def ipykernel(self) -> bool:
        return True

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # extra_arguments repeat nbclient's history setting, already in our argv.
        return self._command_prefix + super().format_kernel_cmd([])

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self._sandbox_uid is not None and os.geteuid() == 0:
            os.chown(self.connection_file, self._sandbox_uid, self._sandbox_uid)


class KernelLaunch:
    """One kernel's runtime folder, manager and launch options; ``close`` removes what it made."""

    def __init__(self, *, workdir: Path, sandbox: dict, kernel_log: str, config):
        from grader.sandbox import kernel_command

        self.workdir = workdir
        self.sandbox = sandbox
        self.kernel_log = kernel_log
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="kernel-"))
        (self.runtime_dir / "ipython").mkdir()
        kwargs: dict = {}
        prefix: list[str] = []
        uid = None
        if sandbox:
            prefix, uid = kernel_command(runtime_dir=self.runtime_dir, workdir=workdir, **sandbox)
        if sandbox or os.name == "posix":
            # Sockets in the kernel's own folder, not loopback ports: a kernel in its own network
            # namespace cannot reach the grader's ports, and ports picked for one kernel can be
            # taken by another starting at the same moment (parallel checks, parallel graders).
            kwargs = {"transport": "ipc", "ip": str(self.runtime_dir / "ipc")}
        self.manager = GraderKernelManager(command_prefix=prefix, interrupt_by_message=bool(sandbox),
                                           sandbox_uid=uid, config=config,
                                           connection_file=str(self.runtime_dir / "kernel.json"), **kwargs)
        self._stderr = None

    def start_kwargs(self) -> dict:
        """Keyword arguments for the kernel manager's ``start_kernel``."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(_GRADING_SIGNALS)}
        env.pop("JPY_PARENT_PID", None)
        env["PYTHONHASHSEED"] = "0"
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env["IPYTHONDIR"] = str(self.runtime_dir / "ipython")
        stderr = subprocess.DEVNULL
        if self.kernel_log:
            Path(self.kernel_log).parent.mkdir(parents=True, exist_ok=True)
            stderr = self._stderr = open(self.kernel_log, "ab")  # the sandbox's file-size limit caps it
        return {"env": env, "stdout": subprocess.DEVNULL, "stderr": stderr, "stdin": subprocess.DEVNULL}

    def start_failure(self, error: Exception) -> RuntimeError:
        detail = ""
        if self.kernel_log and Path(self.kernel_log).is_file():
            lines = Path(self.kernel_log).read_text(errors="replace").strip().splitlines()
            detail = f" ({lines[-1][:200]})" if lines else ""
        return RuntimeError(f"the kernel did not start: {type(error).__name__}: {error}{detail}")

    def end_stray_processes(self, allowed: int = STRAY_PROCESSES_ALLOWED) -> int:
        """Kill the kernel's child processes if there are more than ``allowed``; how many were killed.

        Learner code runs in the kernel's own process, so its children and the
        kernel's threads share one process limit: hundreds of sleeping children
        leave the kernel unable to start a thread. No chapter needs more than a
        few children (data loader workers, distributed ranks).
        """
        process = getattr(self.manager.provisioner, "process", None)
        if process is None or not Path("/proc").is_dir():
            return 0
        children = _descendants(process.pid)
        # The kernel is the first python below the sandbox's wrappers (whose own command lines
        # name it too); the processes below it are the learner's.
        kernel = next((pid for pid in children if _is_kernel(_cmdline(pid))), process.pid)
        strays = _descendants(kernel)
        if len(strays) <= allowed:
            return 0
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return len(strays)

    def close(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        if self.sandbox:
            reclaim(self.workdir)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _is_kernel(cmdline: bytes) -> bool:
    argv = cmdline.split(b"\0")
    return argv[0] == os.fsencode(sys.executable) and b"ipykernel_launcher" in argv


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (Linux /proc), parents before children."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        state, parent = stat[stat.rindex(")") + 2:].split()[:2]
        if state != "Z":  # a zombie has ended already; only its parent can remove it
            children.setdefault(int(parent), []).append(int(entry.name))
    found, queue = [], list(children.get(root, []))
    while queue:
        pid = queue.pop(0)
        found.append(pid)
        queue += children.get(pid, [])
    return found


def reclaim(folder: Path) -> None:
    """Take the submission's folder back from the sandbox's uid before nbgrader writes into it.

    The kernel (now dead, with every process it started) could have left a
    symlink where nbgrader will write the graded notebook; root must not follow it.
    """
    if not folder.is_dir():
        return
    uid, gid = os.geteuid(), os.getegid()
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files + dirs:
            path = os.path.join(root, name)
            if os.path.islink(path) or not (os.path.isfile(path) or os.path.isdir(path)):
                os.unlink(path)
            elif uid == 0:
                os.chown(path, uid, gid, follow_symlinks=False)
    if uid == 0:
        os.chown(folder, uid, gid, follow_symlinks=False)
