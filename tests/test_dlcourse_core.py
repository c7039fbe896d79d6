"""Unit tests of dlcourse's device, seeding, plotting and progress helpers."""
from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import dlcourse as dl
from dlcourse.plotting import figure_png


def test_device_prefers_cuda_then_mps_then_cpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert dl.device() == torch.device("cpu")
    assert capsys.readouterr().out.startswith("Using cpu: no CUDA or Apple GPU found")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert dl.device(verbose=False) == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Test GPU")
    assert dl.device() == torch.device("cuda")
    assert "found GPU Test GPU" in capsys.readouterr().out


def test_device_on_this_machine_is_usable():
    chosen = dl.device(verbose=False)
    assert (torch.ones(2, device=chosen) * 2).sum().item() == 4.0


def test_seed_everything_repeats_python_numpy_and_torch():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()
    dl.seed_everything(123)
    first = draw()
    dl.seed_everything(123)
    assert draw() == first
    dl.seed_everything(124)
    assert draw() != first


@pytest.mark.parametrize("bad_seed", [-1, 1.5, "0", True])
def test_seed_everything_rejects_bad_seeds(bad_seed):
    with pytest.raises(ValueError, match="non-negative int"):
        dl.seed_everything(bad_seed)


def test_figure_png_renders_a_png():
    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    png = figure_png(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_use_course_style_sets_defaults():
    import matplotlib
    dl.use_course_style()
    assert matplotlib.rcParams["axes.grid"] is True


def test_progress_yields_every_item():
    assert list(dl.progress(range(5), "counting", disable=True)) == [0, 1, 2, 3, 4]


def test_stop_on_interrupt_ends_the_block_and_keeps_state(capsys):
    seen = []
    with dl.stop_on_interrupt():
        for step in range(10):
            seen.append(step)
            if step == 3:
                raise KeyboardInterrupt
    assert seen == [0, 1, 2, 3]
    assert "Stopped early" in capsys.readouterr().out


def test_stop_on_interrupt_lets_other_errors_through():
    with pytest.raises(ValueError):
        with dl.stop_on_interrupt():
            raise ValueError("a real bug")
