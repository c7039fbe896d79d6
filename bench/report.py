"""Write bench results as JSON (for tools) and Markdown (for people)."""
from __future__ import annotations

import json
from pathlib import Path


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, (int, float)) else str(value)


def to_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results", "",
        f"Machine: {m['cpu_model']}, {m['cpu_cores_usable']} usable cores, {m['memory_gb']} GB; "
        f"Python {m['python']}, torch {m['torch']}, device {m['device']}" + (f" ({m['gpu']})" if m["gpu"] else "")
        + f". Started {results['started_at']}.", "",
        "## Notebooks (solution, every cell but *Check your work*)", "",
        "| chapter | seconds | peak RSS (MB) | seconds, 1 thread |", "|---|---:|---:|---:|",
    ]
    for chapter, entry in results["notebooks"].items():
        lines.append(f"| {chapter} | {_fmt(entry['seconds'])} | {_fmt(entry['peak_rss_mb'])} | "
                     f"{_fmt(entry.get('seconds_1_thread'))} |")
    lines += ["", "## Ratios", "", "| ratio | value | details |", "|---|---:|---|"]
    for name, entry in results["ratios"].items():
        details = ", ".join(f"{k}={_fmt(v)}" for k, v in entry.items() if k != "value")
        lines.append(f"| {name} | {_fmt(entry.get('value'))} | {details} |")
    lines += ["", "## GPU", ""]
    gpu = results.get("gpu")
    if gpu is None:
        lines.append("No CUDA device on this machine: `gpu` is null.")
    else:
        lines += [f"Device: {gpu['device']}", "", "| chapter | GPU s | CPU s | speed-up | peak GPU MB |",
                  "|---|---:|---:|---:|---:|"]
        for chapter, entry in gpu["chapters"].items():
            lines.append(f"| {chapter} | {_fmt(entry['gpu_seconds'])} | {_fmt(entry['cpu_seconds'])} | "
                         f"{_fmt(entry['speedup'])} | {_fmt(entry.get('peak_gpu_memory_mb'))} |")
        lines += ["", f"nanoGPT-style reference: {_fmt(gpu['nanogpt_reference']['tokens_per_s'])} tokens/s; "
                  f"ours / reference = {_fmt(gpu.get('ours_over_reference'))} (goal >= 0.8)."]
    return "\n".join(lines) + "\n"


def write_results(results: dict, out_dir: Path, stem: str = "latest") -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(to_markdown(results))
    return json_path, md_path
