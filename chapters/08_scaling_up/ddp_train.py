"""Data-parallel training of a small MLP on MNIST with torch.distributed (chapter 08).

Every process builds the same model from the same seed and walks through the same
sequence of global batches. From each global batch it takes its own shard, chosen
by your ``shard_indices``, computes the gradient of the mean loss on that shard,
and then the processes average their gradients, either with your
``average_gradients`` (mode "manual") or inside DistributedDataParallel's backward
pass (mode "ddp"). With equal shards the average of the shards' mean gradients is
the mean gradient of the whole batch, so every process takes exactly the step that
one process would take on the full batch.

The notebook starts it through ``dlcourse.distributed.launch``. By hand, after
saving your two functions from the notebook with
``dl.distributed.save_functions("my_functions.pkl", average_gradients, shard_indices)``:

    torchrun --nproc_per_node=2 ddp_train.py --functions my_functions.pkl --out results

On a machine with GPUs the same command uses the nccl backend and one GPU per
process (--nproc_per_node = number of GPUs). Across machines, run it on every
machine with --nnodes=2 --node_rank=<0 or 1> --rdzv_backend=c10d
--rdzv_endpoint=<host of node 0>:29400; nothing in this file changes.
"""
from __future__ import annotations

import argparse
import os
import pickle
import time
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel


def make_model(seed: int = 0) -> nn.Module:
    """784 -> 512 -> 512 -> 10 MLP; the same seed gives every process the same initial weights."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def load_data(path: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The 4,000 MNIST training images as (N, 28, 28) float32 and their labels.

    From a file that torch.save wrote ({"X": ..., "y": ...}) when ``path`` is given: the
    notebook passes one so that its workers need not import the course package (slow).
    """
    if path is not None:
        data = torch.load(path)
        return data["X"], data["y"]
    from dlcourse.data import load_mnist

    X_train, y_train, _, _ = load_mnist()
    return torch.from_numpy(X_train), torch.from_numpy(y_train)


def global_batches(n: int, batch_size: int, steps: int, seed: int = 0) -> list[torch.Tensor]:
    """The row indices of every global batch: a fixed, seeded sequence that every process agrees on."""
    generator = torch.Generator().manual_seed(seed)
    return [torch.randperm(n, generator=generator)[:batch_size] for _ in range(steps)]


def train(model, X, y, batches, lr, rank, world_size, shard_indices, sync, momentum=0.9) -> float:
    """SGD with momentum over the global batches, each process on its shard; returns the loop's seconds.

    ``sync(model)`` runs after backward and before the update: gradient averaging for the
    manual mode, nothing for a single process or for DistributedDataParallel. The update is
    torch.optim.SGD's, written out, because constructing the first torch.optim optimizer in a
    fresh process costs seconds of imports.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    velocity = [torch.zeros_like(p) for p in params]
    start = time.perf_counter()
    for batch in batches:
        mine = batch[shard_indices(len(batch), rank, world_size)]  # this process's share of the batch
        loss = F.cross_entropy(model(X[mine]), y[mine])  # mean over the shard
        for p in params:
            p.grad = None
        loss.backward()
        sync(model)
        with torch.no_grad():
            for p, v in zip(params, velocity):
                v.mul_(momentum).add_(p.grad)  # torch.optim.SGD(lr, momentum) does the same
                p.sub_(lr * v)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", required=True, help="pickle of average_gradients and shard_indices")
    parser.add_argument("--modes", default="manual,ddp", help="comma-separated: manual, ddp")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=256, help="global batch, split across processes")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--backend", default=None, help="gloo or nccl; default nccl if CUDA is present")
    parser.add_argument("--out", default="ddp_results", help="folder for rank 0's final weights and timings")
    parser.add_argument("--data", default=None, help="optional torch.save file with X and y (default: MNIST)")
    args = parser.parse_args()

    backend = args.backend or ("nccl" if torch.cuda.is_available() else "gloo")
    dist.init_process_group(backend, timeout=timedelta(seconds=60))  # reads RANK, WORLD_SIZE, MASTER_*
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if backend == "nccl" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if args.batch_size % world_size:
        raise SystemExit(f"the global batch ({args.batch_size}) must split evenly over {world_size} processes")

    functions = pickle.loads(Path(args.functions).read_bytes())  # as dlcourse.distributed.load_functions does
    X, y = (t.to(device) for t in load_data(args.data))
    batches = [b.to(device) for b in global_batches(len(X), args.batch_size, args.steps)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for mode in args.modes.split(","):
        model = make_model().to(device)
        if mode == "ddp":
            ddp_model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
            seconds = train(ddp_model, X, y, batches, args.lr, rank, world_size, functions["shard_indices"],
                            sync=lambda module: None)  # DDP has averaged the gradients during backward
        elif mode == "manual":
            seconds = train(model, X, y, batches, args.lr, rank, world_size, functions["shard_indices"],
                            sync=functions["average_gradients"])
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        dist.barrier()
        if rank == 0:
            state = {name: tensor.cpu() for name, tensor in model.state_dict().items()}
            torch.save({"state": state, "seconds": seconds, "world_size": world_size, "steps": args.steps,
                        "batch_size": args.batch_size, "backend": backend}, out / f"{mode}.pt")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
