"""Speed ratios measured side by side in one run: ours over torch, grader over plain execution."""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from bench.notebooks import run_notebook
from bench.solution_functions import load_solution_namespace
from grader.paths import REPO_ROOT, chapter_names, solution_notebook


def best_time(fn: Callable[[], object], repeats: int = 5) -> float:
    """Best of `repeats` wall times after one warm-up: the least noisy estimate on a shared CPU."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _quietly(load: Callable[[], dict]) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return load()


def conv2d_numpy_over_torch() -> dict:
    """Solution conv2d_forward over torch's CPU conv2d on x (64, 16, 28, 28), w (32, 16, 3, 3)."""
    chapter = "04_convolutional_networks"
    if chapter not in chapter_names():
        return {"value": None, "reason": f"{chapter} not written yet"}
    conv2d_forward = _quietly(lambda: load_solution_namespace(chapter))["conv2d_forward"]
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((64, 16, 28, 28)), rng.standard_normal((32, 16, 3, 3)), rng.standard_normal(32)
    xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
    ours = best_time(lambda: conv2d_forward(x, w, b, stride=1, padding=1))
    theirs = best_time(lambda: F.conv2d(xt, wt, bt, stride=1, padding=1))  # same float64 data
    # torch's float32 kernels are far better tuned than its float64 ones: the stricter yardstick
    x32, w32, b32 = xt.float(), wt.float(), bt.float()
    theirs_f32 = best_time(lambda: F.conv2d(x32, w32, b32, stride=1, padding=1))
    return {"value": round(ours / theirs, 2), "ours_ms": round(ours * 1e3, 2), "torch_ms": round(theirs * 1e3, 2),
            "over_torch_float32": round(ours / theirs_f32, 2), "goal": "<= 10"}


def attention_ours_over_sdpa() -> dict:
    """Solution scaled_dot_product_attention over F.scaled_dot_product_attention on CPU, causal mask."""
    chapter = "06_attention_and_transformers"
    if chapter not in chapter_names():
        return {"value": None, "reason": f"{chapter} not written yet"}
    namespace = _quietly(lambda: load_solution_namespace(chapter))
    attention, causal_mask = namespace["scaled_dot_product_attention"], namespace["causal_mask"]
    torch.manual_seed(0)
    q, k, v = (torch.randn(16, 6, 256, 64) for _ in range(3))  # (N, heads, T, d)
    mask = causal_mask(256)
    with torch.no_grad():
        ours = best_time(lambda: attention(q, k, v, mask=mask))
        theirs = best_time(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    return {"value": round(ours / theirs, 2), "ours_ms": round(ours * 1e3, 2), "sdpa_ms": round(theirs * 1e3, 2)}


def grader_overhead(chapter: str = "01_gradient_descent", repeats: int = 3) -> dict:
    """`grader check` wall time over plain execution of the same notebook (goal <= 1.5).

    The first check of a chapter generates its throwaway course and caches it
    (grader/README.md), as a learner's first check does; it is reported as
    `first_check_seconds`. The ratio compares the best of `repeats` later
    checks with the best of as many plain runs, interleaved.
    """
    with tempfile.TemporaryDirectory(prefix="bench-grader-cache-") as cache:
        env = dict(os.environ, DLCOURSE_GRADER_CACHE=cache)
        first = _timed_check(chapter, env)
        plain, graded = [], []
        for _ in range(repeats):
            plain.append(run_notebook(solution_notebook(chapter))["seconds"])
            graded.append(_timed_check(chapter, env))
    return {"value": round(min(graded) / min(plain), 2), "grader_seconds": round(min(graded), 2),
            "plain_seconds": round(min(plain), 2), "first_check_seconds": round(first, 2),
            "chapter": chapter, "goal": "<= 1.5"}


def _timed_check(chapter: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "check", str(solution_notebook(chapter))],
                   cwd=REPO_ROOT, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def _class_of(root: Path, students: int, chapters: list[str]) -> Path | str:
    """A classroom course of `students` correct submissions per chapter; the reason if init failed."""
    import shutil

    course = root / "course"
    init = subprocess.run([sys.executable, "-m", "grader", "classroom", "init", str(course), "--chapters", *chapters],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    if init.returncode != 0:
        return "classroom init unavailable: " + (init.stderr.strip()[-200:] or "?")
    for chapter in chapters:
        for index in range(students):
            folder = course / "submitted" / f"student{index:02d}" / chapter
            folder.mkdir(parents=True)
            shutil.copy(solution_notebook(chapter), folder / f"{chapter}.ipynb")
    return course


def _timed_autograde(course: Path, *options: str) -> tuple[float, str | None]:
    """Seconds for one `classroom autograde` run (every submission regraded); the error if it failed."""
    start = time.perf_counter()
    graded = subprocess.run([sys.executable, "-m", "grader", "classroom", "autograde", str(course), "--force",
                             "--no-feedback", *options], cwd=REPO_ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, (None if graded.returncode == 0 else "classroom autograde failed: " + graded.stderr[-200:])


def autograde_per_min_per_worker(workers: int = 2, students: int = 4) -> dict:
    """Classroom autograde throughput: submissions of chapter 00 graded per minute, per worker."""
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        course = _class_of(Path(tmp), students, ["00_start_here"])
        if isinstance(course, str):
            return {"value": None, "reason": course}
        seconds, error = _timed_autograde(course, "--workers", str(workers))
    if error:
        return {"value": None, "reason": error}
    per_minute = students / seconds * 60
    return {"value": round(per_minute / workers, 2), "submissions_per_min": round(per_minute, 2),
            "workers": workers, "submissions": students, "seconds": round(seconds, 1)}


def autograde_dask_2_over_local_1(students: int = 20) -> dict:
    """Speed-up of two Dask workers over one local worker, grading the same submissions in this run.

    The class is chapter 00 submissions, sandboxed. The Dask workers are
    started (`dask scheduler`, two `dask worker --nthreads 1`) before the clock
    starts, as a class's cluster is up before grading; what their start costs
    is reported beside. `local_2_seconds` (two local workers) shows what Dask
    itself costs.
    """
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        course = _class_of(Path(tmp), students, ["00_start_here"])
        if isinstance(course, str):
            return {"value": None, "reason": course}
        local, error = _timed_autograde(course, "--workers", "1")
        local_2, error_2 = _timed_autograde(course, "--workers", "2")
        started = time.perf_counter()
        with _dask_cluster(workers=2, logs=Path(tmp)) as address:
            startup = time.perf_counter() - started
            dask, error_3 = _timed_autograde(course, "--scheduler", address)
    error = error or error_2 or error_3
    if error:
        return {"value": None, "reason": error}
    return {"value": round(local / dask, 2), "local_1_seconds": round(local, 1), "dask_2_seconds": round(dask, 1),
            "local_2_seconds": round(local_2, 1), "dask_cluster_start_seconds": round(startup, 1),
            "submissions": students, "goal": ">= 1.6"}


@contextlib.contextmanager
def _dask_cluster(workers: int, logs: Path):
    """A `dask scheduler` and `workers` one-thread `dask worker` processes on 127.0.0.1; yields its address."""
    import signal
    import socket

    from distributed import Client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    commands = [[dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]] + \
        [[dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--memory-limit", "0"]] * workers
    processes = []
    try:
        for index, command in enumerate(commands):
            log = open(logs / f"dask-{index}.log", "w")
            processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)


def autograde_seconds_per_chapter() -> dict:
    """Seconds to autograde one correct submission of each chapter (sandboxed, one worker).

    grader/README.md's capacity table is computed from these: the value is
    the sum, the grading time of one student's whole course.
    """
    import json

    chapters = chapter_names()
    with tempfile.TemporaryDirectory(prefix="bench-chapters-") as tmp:
        course = _class_of(Path(tmp), 1, chapters)
        if isinstance(course, str):
            return {"value": None, "reason": course}
        graded = subprocess.run([sys.executable, "-m", "grader", "classroom", "autograde", str(course), "--workers",
                                 "1", "--no-feedback", "--json"], cwd=REPO_ROOT, capture_output=True, text=True)
    if graded.returncode != 0:
        return {"value": None, "reason": "classroom autograde failed: " + graded.stderr[-200:]}
    outcomes = json.loads(graded.stdout)
    per_chapter = {o["assignment"]: round(o["seconds"], 1) for o in outcomes}
    full_marks = all(o["score"] == o["max_score"] or o["reason"].endswith("to grade in formgrader")
                     for o in outcomes)
    return {"value": round(sum(per_chapter.values()), 1), "per_chapter": per_chapter,
            "solutions_scored_full_auto_marks": full_marks}
