"""SlowDataset: items as given, each costing its delay, usable by DataLoader workers."""
from __future__ import annotations

import time

import pytest
import torch
from torch.utils.data import DataLoader

from dlcourse.loading import SlowDataset


def test_items_and_length_are_those_of_the_tensors():
    X, y = torch.arange(12.0).reshape(6, 2), torch.arange(6)
    data = SlowDataset(X, y, delay_s=0.0)
    assert len(data) == 6
    x3, y3 = data[3]
    assert torch.equal(x3, X[3]) and int(y3) == 3
    with pytest.raises(ValueError):
        SlowDataset(X, y[:5])
    with pytest.raises(ValueError):
        SlowDataset(X, y, delay_s=-1)


def test_each_item_costs_the_delay_and_workers_overlap_it():
    X, y = torch.zeros(40, 3), torch.zeros(40, dtype=torch.long)
    data = SlowDataset(X, y, delay_s=0.02)
    start = time.perf_counter()
    batches = list(DataLoader(data, batch_size=10, num_workers=0))
    serial = time.perf_counter() - start
    assert len(batches) == 4 and serial >= 40 * 0.02
    loader = DataLoader(data, batch_size=10, num_workers=2, persistent_workers=True)
    list(loader)  # start the workers once
    start = time.perf_counter()
    assert sum(len(xb) for xb, _ in loader) == 40
    assert time.perf_counter() - start < 0.8 * serial, "two workers should overlap the waiting"
