"""Run a script as several torch.distributed processes on this machine, the way torchrun does.

A notebook cannot easily be its own worker processes: the functions a learner
writes live in the notebook's kernel. ``save_functions`` pickles them *by value*
(with cloudpickle) into a file that worker scripts load with ``load_functions``;
``launch`` starts the workers with the environment variables torchrun would set
(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, ...), so the same
script also runs unchanged under ``torchrun --nproc_per_node=N script.py``.
"""
from __future__ import annotations

import os
import pickle
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cloudpickle

from dlcourse.i18n import t


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def save_functions(path: str | os.PathLike, *functions: Callable) -> Path:
    """Pickle functions by value (code, defaults and the globals they use) into ``path``.

    Functions defined in a notebook belong to the module ``__main__``, which a worker
    process does not share; pickling them by value lets the worker rebuild them.
    Modules they use, such as ``torch.distributed as dist``, are re-imported by name.
    """
    path = Path(path)
    by_name = {function.__name__: function for function in functions}
    path.write_bytes(cloudpickle.dumps(by_name))
    return path


def load_functions(path: str | os.PathLike) -> dict[str, Callable]:
    """The functions written by ``save_functions``, by name."""
    return pickle.loads(Path(path).read_bytes())


@dataclass
class WorkerResult:
    rank: int
    returncode: int
    stdout: str
    stderr: str


class LaunchError(RuntimeError):
    """A worker failed or the group ran past its timeout; the message quotes the worker's stderr."""


def _loopback_interface() -> str:
    return "lo0" if platform.system() == "Darwin" else "lo"


def launch(script: str | os.PathLike, nprocs: int, args: list[str] | tuple[str, ...] = (), *,
           timeout: float = 120.0, threads_per_process: int = 1, check: bool = True,
           env: dict[str, str] | None = None) -> list[WorkerResult]:
    """Start ``nprocs`` copies of ``python script *args`` as one torch.distributed group.

    Each worker gets the variables torchrun sets for a single machine: RANK and
    LOCAL_RANK (0 .. nprocs-1), WORLD_SIZE and LOCAL_WORLD_SIZE (nprocs), MASTER_ADDR
    (127.0.0.1) and a free MASTER_PORT, so ``dist.init_process_group(backend)`` finds
    the others. OMP_NUM_THREADS is set to ``threads_per_process`` so that the workers
    do not fight over the cores, and GLOO_SOCKET_IFNAME to the loopback interface
    (unless already set) so gloo never looks for a network.

    Waits for all workers, at most ``timeout`` seconds, then kills any left; when
    one worker fails, the others are stopped at once, as torchrun does. With
    ``check`` (the default), raises LaunchError if a worker failed or timed out.
    Returns one WorkerResult per rank, in rank order.
    """
    if nprocs < 1:
        raise ValueError(t("nprocs must be at least 1, got {nprocs}", nprocs=nprocs))
    for _ in range(PORT_ATTEMPTS):
        results, timed_out = _run_group(script, nprocs, args, timeout, threads_per_process, env)
        # free_port() only says the port was free a moment ago; if another program took
        # it before rank 0 could listen there, the group never formed: try a new port.
        if not any(_port_taken(r.stderr) for r in results):
            break
    if check:
        if timed_out:
            raise LaunchError(t("the {nprocs} workers did not finish within {timeout:.0f} s "
                                "(a collective that not every rank calls waits until the group's timeout)"
                                "\nrank 0's stderr ends:\n{tail}", nprocs=nprocs, timeout=timeout,
                                tail=_tail(results[0].stderr)))
        # a rank we stopped because another failed has a negative code (killed); name the cause first
        failed = sorted((r for r in results if r.returncode != 0), key=lambda r: r.returncode < 0)
        if failed:
            raise LaunchError(t("rank {rank} exited with status {status}: {last}\n{tail}", rank=failed[0].rank,
                                status=failed[0].returncode, last=_last_line(failed[0].stderr),
                                tail=_tail(failed[0].stderr)))
    return results


# How often to start a group again when its port was taken before rank 0 could listen there.
PORT_ATTEMPTS = 3


def _port_taken(stderr: str) -> bool:
    return "Address already in use" in stderr or "EADDRINUSE" in stderr


def _run_group(script, nprocs: int, args, timeout: float, threads_per_process: int,
               env: dict[str, str] | None) -> tuple[list[WorkerResult], bool]:
    """Start the workers on a fresh port, wait at most ``timeout`` s; return their results and whether time ran out."""
    base_env = dict(os.environ)
    base_env.update(env or {})
    base_env.update({
        "WORLD_SIZE": str(nprocs), "LOCAL_WORLD_SIZE": str(nprocs), "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()), "OMP_NUM_THREADS": str(threads_per_process),
        "PYTHONUNBUFFERED": "1",
    })
    base_env.setdefault("GLOO_SOCKET_IFNAME", _loopback_interface())
    with tempfile.TemporaryDirectory(prefix="dlcourse-launch-") as tmp:
        processes, logs = [], []
        for rank in range(nprocs):
            worker_env = dict(base_env, RANK=str(rank), LOCAL_RANK=str(rank))
            out = open(Path(tmp) / f"{rank}.out", "w+")  # files, not pipes: a full pipe would block a worker
            err = open(Path(tmp) / f"{rank}.err", "w+")
            logs.append((out, err))
            processes.append(subprocess.Popen([sys.executable, str(script), *map(str, args)], env=worker_env,
                                              stdout=out, stderr=err, stdin=subprocess.DEVNULL))
        timed_out = _wait_for_group(processes, timeout)
        results = []
        for rank, (process, (out, err)) in enumerate(zip(processes, logs)):
            out.seek(0)
            err.seek(0)
            results.append(WorkerResult(rank, process.returncode, out.read(), err.read()))
            out.close()
            err.close()
    return results, timed_out


def _wait_for_group(processes: list[subprocess.Popen], timeout: float) -> bool:
    """Wait until every worker exits; return True if time ran out first.

    As torchrun does, one failed worker stops the group: the others would
    otherwise wait in their next collective until the group's timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        codes = [process.poll() for process in processes]
        if all(code is not None for code in codes):
            return False
        out_of_time = time.monotonic() > deadline
        if out_of_time or any(code not in (None, 0) for code in codes):
            for process in processes:
                if process.poll() is None:
                    process.kill()
            for process in processes:
                process.wait()
            return out_of_time
        time.sleep(0.05)


def _lines(text: str) -> list[str]:
    # torch.distributed prefixes a worker's error output with "[rankN]: "
    return [line.split("]: ", 1)[1] if line.startswith("[rank") and "]: " in line else line
            for line in text.strip().splitlines() if line.strip()]


def _last_line(text: str) -> str:
    lines = _lines(text)
    return lines[-1] if lines else "(nothing on stderr)"


def _tail(text: str, lines: int = 8) -> str:
    kept = _lines(text)[-lines:]
    return "\n".join(kept) if kept else "(nothing on stderr)"
