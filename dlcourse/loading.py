"""A data set whose items are slow to load, to show what DataLoader workers hide."""
from __future__ import annotations

import time

import torch
from torch.utils.data import Dataset

from dlcourse.i18n import t


class SlowDataset(Dataset):
    """Wraps tensors X (N, ...) and y (N,); every item costs ``delay_s`` seconds to "load".

    The delay is a sleep, standing in for reading a file from a slow disk or a network
    store: time during which a loading process waits without using a core. It lives in
    a module, not a notebook, so that DataLoader workers started with the "spawn"
    method (macOS, Windows) can import it.
    """

    def __init__(self, X: torch.Tensor, y: torch.Tensor, delay_s: float = 0.002):
        if len(X) != len(y):
            raise ValueError(t("X and y differ in length: {x} != {y}", x=len(X), y=len(y)))
        if delay_s < 0:
            raise ValueError(t("delay_s must be non-negative, got {delay_s}", delay_s=delay_s))
        self.X, self.y, self.delay_s = X, y, delay_s

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        time.sleep(self.delay_s)
        return self.X[index], self.y[index]
