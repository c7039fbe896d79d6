"""The benchmark harness measures for real and writes the documented schema."""
from __future__ import annotations

import json

import numpy as np

from bench import machine
from bench.__main__ import main as bench_main
from bench.notebooks import PeakRssSampler, run_notebook
from bench.ratios import best_time
from bench.report import to_markdown
from bench.solution_functions import load_solution_namespace


def test_machine_description_has_the_documented_keys():
    described = machine.describe()
    assert set(described) == {"cpu_model", "cpu_cores_usable", "memory_gb", "python", "torch", "device", "gpu",
                              "platform"}
    assert described["cpu_cores_usable"] >= 1 and described["torch"].startswith("2.13.0")


def test_peak_rss_sampler_sees_memory_grow():
    import os
    import time
    with PeakRssSampler(os.getpid(), interval=0.01) as sampler:
        block = np.ones(60 * 2**20 // 8)  # 60 MB
        time.sleep(0.1)
    assert sampler.peak_bytes > block.nbytes


def test_solution_namespace_holds_the_solution_not_the_stub():
    namespace = load_solution_namespace("01_gradient_descent")
    assert namespace["mse_loss"](np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 5.0


def test_best_time_is_the_minimum_of_real_runs():
    assert 0.0 < best_time(lambda: sum(range(10_000)), repeats=3) < 1.0


def test_bench_run_writes_json_and_markdown(tmp_path):
    assert bench_main(["--chapters", "00_start_here", "--ratios", "--no-gpu", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    entry = results["notebooks"]["00_start_here"]
    assert entry["errors"] == [] and entry["seconds"] > 0 and 50 < entry["peak_rss_mb"] < 1500
    assert entry["seconds_1_thread"] > 0
    assert results["gpu"] is None and results["machine"]["device"] in ("cpu", "cuda")
    markdown = (tmp_path / "latest.md").read_text()
    assert "| 00_start_here |" in markdown and markdown == to_markdown(results)


def test_run_notebook_reports_errors(tmp_path):
    import nbformat
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    result = run_notebook(path)
    assert result["errors"] and "ZeroDivisionError" in result["errors"][0]
