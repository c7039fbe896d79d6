"""python -m bench [--chapters ...] [--no-one-thread] [--out bench/results]"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import gpu, machine, ratios
from bench.notebooks import ONE_THREAD_ENV, run_notebook
from bench.report import write_results
from grader.paths import REPO_ROOT, chapter_names, solution_notebook

RATIOS = {
    "conv2d_numpy_over_torch": ratios.conv2d_numpy_over_torch,
    "attention_ours_over_sdpa": ratios.attention_ours_over_sdpa,
    "grader_overhead": ratios.grader_overhead,
    "autograde_per_min_per_worker": ratios.autograde_per_min_per_worker,
    "autograde_dask_2_over_local_1": ratios.autograde_dask_2_over_local_1,
    "autograde_seconds_per_chapter": ratios.autograde_seconds_per_chapter,
}


def bench_notebooks(chapters: list[str], one_thread: bool) -> dict:
    results = {}
    for chapter in chapters:
        print(f"  {chapter} ...", end="", flush=True)
        full = run_notebook(solution_notebook(chapter))
        entry = {"seconds": full["seconds"], "peak_rss_mb": full["peak_rss_mb"], "errors": full["errors"]}
        if one_thread:
            entry["seconds_1_thread"] = run_notebook(solution_notebook(chapter), extra_env=ONE_THREAD_ENV)["seconds"]
        print(f" {entry['seconds']} s, {entry['peak_rss_mb']} MB" +
              (f", {entry['seconds_1_thread']} s on 1 thread" if one_thread else ""))
        results[chapter] = entry
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--chapters", nargs="*", help="default: every chapter")
    parser.add_argument("--ratios", nargs="*", choices=list(RATIOS), help="default: all")
    parser.add_argument("--no-one-thread", action="store_true", help="skip the 1-thread rerun")
    parser.add_argument("--no-gpu", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    started = time.time()
    print("notebooks:")
    results = {
        "machine": machine.describe(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "notebooks": bench_notebooks(args.chapters or chapter_names(), not args.no_one_thread),
        "ratios": {},
    }
    for name in args.ratios if args.ratios is not None else RATIOS:
        print(f"ratio {name} ...", flush=True)
        try:
            results["ratios"][name] = RATIOS[name]()
        except Exception as error:  # a missing chapter or tool must not lose the other numbers
            results["ratios"][name] = {"value": None, "reason": f"{type(error).__name__}: {error}"[:300]}
    results["gpu"] = None if args.no_gpu else gpu.gpu_table()
    results["total_seconds"] = round(time.time() - started, 1)
    json_path, md_path = write_results(results, args.out)
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
