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


def autograde_per_min_per_worker(workers: int = 2, students: int = 4) -> dict:
    """Classroom autograde throughput: submissions of chapter 00 graded per minute, per worker."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        course = Path(tmp) / "course"
        init = subprocess.run([sys.executable, "-m", "grader", "classroom", "init", str(course)],
                              cwd=REPO_ROOT, capture_output=True, text=True)
        if init.returncode != 0:
            return {"value": None, "reason": "classroom init unavailable: " + (init.stderr.strip()[-200:] or "?")}
        for index in range(students):
            folder = course / "submitted" / f"student{index:02d}" / "00_start_here"
            folder.mkdir(parents=True)
            shutil.copy(solution_notebook("00_start_here"), folder / "00_start_here.ipynb")
        start = time.perf_counter()
        graded = subprocess.run([sys.executable, "-m", "grader", "classroom", "autograde", str(course),
                                 "--assignment", "00_start_here", "--workers", str(workers)],
                                cwd=REPO_ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if graded.returncode != 0:
            return {"value": None, "reason": "classroom autograde failed: " + graded.stderr.strip()[-200:]}
    per_minute = students / seconds * 60
    return {"value": round(per_minute / workers, 2), "submissions_per_min": round(per_minute, 2),
            "workers": workers, "submissions": students, "seconds": round(seconds, 1)}
