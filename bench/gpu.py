"""The GPU table: chapter speed-ups over the CPU on the same machine, and tokens/s against a reference."""
from __future__ import annotations

import re

import torch

from bench.nanogpt_reference import measure as measure_reference
from bench.notebooks import run_notebook
from grader.paths import chapter_names, solution_notebook

GPU_CHAPTERS = ["04_convolutional_networks", "06_attention_and_transformers",
                "07_pretraining_finetuning_distillation", "08_scaling_up"]
TOKENS_PER_S = re.compile(r"([\d,.]+)\s*(?:training\s+)?tokens\s*/\s*s", re.IGNORECASE)


def _tokens_per_second(text: str) -> float | None:
    matches = TOKENS_PER_S.findall(text)
    return float(matches[-1].replace(",", "")) if matches else None


def gpu_table() -> dict | None:
    """None without CUDA; otherwise per chapter GPU vs CPU seconds on this machine, and ch06 throughput."""
    if not torch.cuda.is_available():
        return None
    table: dict = {"device": torch.cuda.get_device_name(0), "chapters": {}}
    for chapter in [c for c in GPU_CHAPTERS if c in chapter_names()]:
        on_gpu = run_notebook(solution_notebook(chapter), keep_text=True)
        on_cpu = run_notebook(solution_notebook(chapter), extra_env={"CUDA_VISIBLE_DEVICES": ""})
        entry = {"gpu_seconds": on_gpu["seconds"], "cpu_seconds": on_cpu["seconds"],
                 "speedup": round(on_cpu["seconds"] / on_gpu["seconds"], 2),
                 "peak_gpu_memory_mb": on_gpu.get("peak_gpu_memory_mb")}
        if chapter.startswith("06"):
            entry["scale_up_tokens_per_s"] = _tokens_per_second(on_gpu.get("text", ""))
        table["chapters"][chapter] = entry
    reference = measure_reference("cuda")
    table["nanogpt_reference"] = reference
    ours = table["chapters"].get("06_attention_and_transformers", {}).get("scale_up_tokens_per_s")
    table["ours_over_reference"] = round(ours / reference["tokens_per_s"], 3) if ours else None
    return table
