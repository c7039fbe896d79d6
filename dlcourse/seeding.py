"""Make a notebook's random numbers repeatable from one seed."""
from __future__ import annotations

import os
import random

import numpy as np
import torch

from dlcourse.i18n import t


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and torch (CPU and every CUDA device).

    Returns the seed, so a notebook can print or store it. Full determinism on a
    GPU also needs deterministic kernels; we do not force those because several
    are slower, and chapters only need repeatable results on one machine.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(t("seed must be a non-negative int, got {seed!r}", seed=seed))
    os.environ["PYTHONHASHSEED"] = str(seed)  # inherited by worker processes
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed
