"""A plain nanoGPT-style training loop, the yardstick for chapter 06's scale-up on a GPU.

python -m bench.nanogpt_reference [--steps 60] [--device cuda]

Same shape as chapter 06's *Scale up on a GPU* cell: 6 layers, 6 heads, width
384, context 256, batch 64, bf16 autocast, F.scaled_dot_product_attention,
fused AdamW. Prints one JSON line with training tokens per second. Written for
this benchmark (in the spirit of Karpathy's nanoGPT, not copied from it).
"""
from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from dlcourse.data import load_text_corpus


class Block(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        N, T, D = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(D, dim=2)  # (N, T, D) each
        q, k, v = (t.view(N, T, self.heads, D // self.heads).transpose(1, 2) for t in (q, k, v))  # (N, h, T, d)
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(attended.transpose(1, 2).reshape(N, T, D))
        return x + self.mlp(self.norm2(x))


class ReferenceGPT(nn.Module):
    def __init__(self, vocab: int, context: int = 256, width: int = 384, layers: int = 6, heads: int = 6):
        super().__init__()
        self.token = nn.Embedding(vocab, width)
        self.position = nn.Embedding(context, width)
        self.blocks = nn.Sequential(*[Block(width, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab, bias=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(idx.shape[1], device=idx.device)
        return self.head(self.norm(self.blocks(self.token(idx) + self.position(positions))))


def measure(device: str = "cuda", steps: int = 60, warmup: int = 10, batch: int = 64, context: int = 256) -> dict:
    text = load_text_corpus()
    vocab = sorted(set(text))
    data = torch.tensor([vocab.index(c) for c in text[:200_000]], dtype=torch.long, device=device)
    model = ReferenceGPT(len(vocab), context).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, fused=device == "cuda")
    dtype = torch.bfloat16

    offsets = torch.arange(context, device=device)

    def step() -> torch.Tensor:
        # one gather on the device: indexing window by window would sync with the host 64 times a step
        starts = torch.randint(len(data) - context - 1, (batch,), device=device)
        x = data[starts[:, None] + offsets]  # (batch, context)
        y = data[starts[:, None] + offsets + 1]
        with torch.autocast(device_type=device, dtype=dtype):
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    for _ in range(warmup):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss.item()  # wait for the device
    seconds = time.perf_counter() - start
    result = {"tokens_per_s": round(steps * batch * context / seconds), "steps": steps, "device": device}
    if device == "cuda":
        result["peak_gpu_memory_mb"] = round(torch.cuda.max_memory_allocated() / 2**20)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    print(json.dumps(measure(args.device, args.steps)))
