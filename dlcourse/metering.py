"""Measure how long a block of code ran and the average power it drew, and say how the power was obtained.

``with PowerMeter() as meter: train()`` then ``meter.result`` holds the wall time,
the average power in watts and the method behind that number. Three methods, best first:

- ``"nvml"``: on a CUDA device, the GPU's own power sensor, read through NVML
  (``torch.cuda.power_draw``, which needs the ``pynvml`` package) several times a
  second in a background thread. It covers the GPU board only, not the CPU,
  memory or cooling.
- ``"rapl"``: on Linux machines whose kernel exposes Intel/AMD RAPL energy
  counters in ``/sys/class/powercap`` (usually readable by root only), the CPU
  package's measured energy over the block.
- ``"estimate"``: otherwise, an **estimate**, not a measurement, after the Green
  Algorithms method (Lannelongue, Grealey and Inouye, 2021): CPU time used by
  this process x an assumed power per busy core, plus resident memory x an
  assumed power per GB. The assumptions are arguments and are printed with
  the result.

The meter reports watts and seconds; turning them into energy and emissions
is the learner's job in chapter 12.
"""
from __future__ import annotations

import resource
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import torch

from dlcourse.i18n import t

RAPL_ROOT = Path("/sys/class/powercap")
DEFAULT_WATTS_PER_CORE = 10.0  # assumed draw of one fully busy core; laptop and server CPUs give ~4-15 W
DEFAULT_WATTS_PER_GB = 0.3725  # memory power per GB used by Green Algorithms (Lannelongue et al., 2021)


@dataclass
class PowerReading:
    """What a PowerMeter found: wall seconds, average watts, and how the watts were obtained."""

    seconds: float
    average_watts: float
    method: str  # "nvml", "rapl" or "estimate"
    description: str  # one sentence a reader can check
    samples: list[float] = field(default_factory=list)  # NVML readings in W (empty for other methods)
    cpu_seconds: float = 0.0  # CPU time used by this process during the block (all threads)

    def __str__(self) -> str:
        return t("{seconds:.2f} s at {watts:.1f} W on average ({method}: {description})", seconds=self.seconds,
                 watts=self.average_watts, method=self.method, description=self.description)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rapl_counters() -> list[tuple[Path, int]]:
    """Readable top-level package energy counters: [(energy_uj file, max range in uJ)]."""
    counters = []
    for zone in sorted(RAPL_ROOT.glob("*rapl:*")):
        if zone.name.count(":") != 1:  # "intel-rapl:0" is a package; "intel-rapl:0:0" is a part of it
            continue
        energy, span = zone / "energy_uj", zone / "max_energy_range_uj"
        try:
            int(energy.read_text())
            counters.append((energy, int(span.read_text()) if span.exists() else 2 ** 63))
        except (OSError, ValueError):
            continue  # unreadable without root on most machines since 2020
    return counters


class PowerMeter:
    """Context manager: ``with PowerMeter(device) as meter: ...``; afterwards ``meter.result``.

    device: the torch device the work runs on; NVML is used only for a CUDA device.
    watts_per_core, watts_per_gb: the assumptions of the CPU estimate.
    interval: seconds between NVML samples.
    """

    def __init__(self, device: torch.device | str | None = None, watts_per_core: float = DEFAULT_WATTS_PER_CORE,
                 watts_per_gb: float = DEFAULT_WATTS_PER_GB, interval: float = 0.1):
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.watts_per_core = watts_per_core
        self.watts_per_gb = watts_per_gb
        self.interval = interval
        self.result: PowerReading | None = None
        self._samples: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- NVML -------------------------------------------------------------------------------
    def _nvml_watts(self) -> float | None:
        if self.device.type != "cuda" or not torch.cuda.is_available():
            return None
        try:
            return torch.cuda.power_draw(self.device) / 1000.0  # NVML reports milliwatts
        except Exception:  # pynvml missing, or the driver refuses
            return None

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            watts = self._nvml_watts()
            if watts is not None:
                self._samples.append(watts)

    # --- context manager --------------------------------------------------------------------
    def __enter__(self) -> PowerMeter:
        self._samples = []
        first = self._nvml_watts()
        self._use_nvml = first is not None
        if self._use_nvml:
            self._samples.append(first)
            self._stop.clear()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        self._rapl = [] if self._use_nvml else _rapl_counters()
        self._rapl_start = [int(path.read_text()) for path, _ in self._rapl]
        self._cpu_start = _cpu_seconds()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.device.type == "cuda" and torch.cuda.is_available():
            torch.cuda.synchronize(self.device)  # count the queued GPU work inside the block
        seconds = max(time.perf_counter() - self._start, 1e-9)
        cpu_seconds = _cpu_seconds() - self._cpu_start
        if self._use_nvml:
            self._stop.set()
            self._thread.join()
            last = self._nvml_watts()
            if last is not None:
                self._samples.append(last)
            watts = sum(self._samples) / len(self._samples)
            self.result = PowerReading(seconds, watts, "nvml",
                                       t("mean of {n} NVML readings of the GPU board's power", n=len(self._samples)),
                                       list(self._samples), cpu_seconds)
        elif self._rapl:
            joules = 0.0
            for (path, span), start in zip(self._rapl, self._rapl_start):
                delta = int(path.read_text()) - start
                joules += (delta if delta >= 0 else delta + span) / 1e6  # the counter wraps around
            self.result = PowerReading(seconds, joules / seconds, "rapl",
                                       t("RAPL energy counters of {n} CPU package(s)", n=len(self._rapl)),
                                       [], cpu_seconds)
        else:
            busy_cores = cpu_seconds / seconds
            memory_gb = psutil.Process().memory_info().rss / 1e9
            watts = busy_cores * self.watts_per_core + memory_gb * self.watts_per_gb
            self.result = PowerReading(
                seconds, watts, "estimate",
                t("ESTIMATE, not a measurement: {cores:.2f} busy cores x {per_core:g} W + {gb:.2f} GB x {per_gb:g} W/GB",
                  cores=busy_cores, per_core=self.watts_per_core, gb=memory_gb, per_gb=self.watts_per_gb),
                [], cpu_seconds)
