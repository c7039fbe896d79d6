"""Execute a notebook in a fresh kernel and measure wall time and the kernel tree's peak RSS."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from grader.notebooks import without_check_cell

ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


class PeakRssSampler:
    """Samples the summed RSS of a process and its descendants every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        try:
            root = psutil.Process(self.pid)
            processes = [root] + root.children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def gpu_memory_mb(pid: int) -> float | None:
    """GPU memory used by one process according to nvidia-smi (None without a GPU)."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return None
    out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                         capture_output=True, text=True).stdout
    used = [float(mb) for line in out.splitlines() if "," in line
            for p, mb in [line.split(",", 1)] if p.strip() == str(pid)]
    return max(used) if used else 0.0


def run_notebook(path: Path, *, extra_env: dict | None = None, timeout: int = 600,
                 keep_text: bool = False) -> dict:
    """Execute every cell except *Check your work*, in the notebook's folder.

    Returns {"seconds", "peak_rss_mb", "errors"}; seconds cover kernel start to
    the last cell, as a learner's *Run All* would.
    """
    notebook = without_check_cell(nbformat.read(path, as_version=4))
    env = dict(os.environ, **(extra_env or {}))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel(env=env, cwd=str(path.parent)):
        kernel_pid = client.km.provisioner.process.pid
        peak_gpu = None
        with PeakRssSampler(kernel_pid) as sampler:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
                used = gpu_memory_mb(kernel_pid) if "CUDA_VISIBLE_DEVICES" not in (extra_env or {}) else None
                peak_gpu = used if peak_gpu is None or (used or 0) > peak_gpu else peak_gpu
    seconds = time.perf_counter() - start
    errors = [f"{cell.get('id')}: {o.ename}: {o.evalue}"[:200] for cell in notebook.cells
              for o in cell.get("outputs", []) if o.output_type == "error"]
    result = {"seconds": round(seconds, 2), "peak_rss_mb": round(sampler.peak_bytes / 2**20, 1), "errors": errors}
    if peak_gpu is not None:
        result["peak_gpu_memory_mb"] = peak_gpu
    if keep_text:
        result["text"] = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", [])
                                 if o.output_type == "stream")
    return result
