"""PowerMeter: each of its three methods, with the hardware faked where this machine has none."""
from __future__ import annotations

import time

import pytest
import torch

from dlcourse import metering
from dlcourse.metering import PowerMeter


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < end:
        total += 1


@pytest.fixture
def no_rapl(monkeypatch, tmp_path):
    monkeypatch.setattr(metering, "RAPL_ROOT", tmp_path / "no-powercap")


def test_cpu_estimate_follows_cpu_time_and_states_its_assumptions(no_rapl):
    with PowerMeter(watts_per_core=10.0, watts_per_gb=0.0) as meter:
        busy(0.3)
    reading = meter.result
    assert reading.method == "estimate"
    assert 0.25 <= reading.seconds < 5.0
    assert reading.cpu_seconds > 0.0
    # one busy Python thread: the estimate is CPU time / wall time x 10 W, at most 10 W on a quiet machine
    assert reading.average_watts == pytest.approx(reading.cpu_seconds / reading.seconds * 10.0, rel=1e-6)
    assert "ESTIMATE" in reading.description and "10 W" in reading.description
    assert "estimate" in str(reading)


def test_cpu_estimate_scales_with_the_assumed_power_and_adds_memory(no_rapl):
    with PowerMeter(watts_per_core=0.0, watts_per_gb=1.0) as meter:
        time.sleep(0.05)
    memory_only = meter.result.average_watts
    assert 0.0 < memory_only < 100.0, "resident memory in GB x 1 W/GB"
    with PowerMeter(watts_per_core=1000.0, watts_per_gb=1.0) as meter:
        busy(0.2)
    assert meter.result.average_watts > memory_only


def test_rapl_counters_are_read_and_their_wraparound_handled(monkeypatch, tmp_path):
    zone = tmp_path / "intel-rapl:0"
    zone.mkdir()
    (tmp_path / "intel-rapl:0:0").mkdir()  # a sub-zone: must not be counted twice
    (tmp_path / "intel-rapl:0:0" / "energy_uj").write_text("0")
    energy = zone / "energy_uj"
    (zone / "max_energy_range_uj").write_text("1000000000")
    energy.write_text("999000000")
    monkeypatch.setattr(metering, "RAPL_ROOT", tmp_path)
    with PowerMeter() as meter:
        energy.write_text("1000000")  # wrapped: 1,000,000 uJ to the top, then 1,000,000 uJ = 2 J
    reading = meter.result
    assert reading.method == "rapl"
    assert reading.average_watts * reading.seconds == pytest.approx(2.0, rel=1e-6)


def test_nvml_readings_are_sampled_and_averaged(monkeypatch, no_rapl):
    readings = iter([100_000.0, 200_000.0] + [300_000.0] * 1000)  # milliwatts, as NVML reports
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "power_draw", lambda device=None: next(readings))
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    with PowerMeter("cuda", interval=0.01) as meter:
        time.sleep(0.1)
    reading = meter.result
    assert reading.method == "nvml"
    assert len(reading.samples) >= 3
    assert reading.samples[:2] == [100.0, 200.0]
    assert reading.average_watts == pytest.approx(sum(reading.samples) / len(reading.samples))
    assert 100.0 < reading.average_watts <= 300.0


def test_nvml_failure_falls_back_to_the_estimate(monkeypatch, no_rapl):
    def broken(device=None):
        raise ModuleNotFoundError("pynvml")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "power_draw", broken)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    with PowerMeter("cuda") as meter:
        busy(0.05)
    assert meter.result.method == "estimate"
