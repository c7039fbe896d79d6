"""dlcourse.distributed: functions travel by value, launch() forms a real gloo group, failures are reported."""
from __future__ import annotations

import socket
import textwrap
import time

import pytest

from dlcourse.distributed import LaunchError, free_port, launch, load_functions, save_functions

WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import torch
    import torch.distributed as dist
    from dlcourse.distributed import load_functions

    dist.init_process_group("gloo")
    combine = load_functions(sys.argv[1])["combine"]
    value = torch.tensor([float(dist.get_rank() + 1)])
    dist.all_reduce(value)
    Path(sys.argv[2], f"{dist.get_rank()}.txt").write_text(f"{combine(value.item(), dist.get_world_size())}")
    dist.destroy_process_group()
""")


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
    assert 0 < port < 65536


def test_functions_round_trip_by_value_with_their_globals(tmp_path):
    offset = 10

    def shifted(x):
        return x + offset

    path = save_functions(tmp_path / "f.pkl", shifted, len)
    loaded = load_functions(path)
    assert set(loaded) == {"shifted", "len"}
    assert loaded["shifted"](5) == 15 and loaded["len"]("abc") == 3


def test_launch_forms_a_gloo_group_with_torchrun_variables(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)

    def combine(total, world_size):
        return f"{total:g}/{world_size}"

    functions = save_functions(tmp_path / "f.pkl", combine)
    results = launch(script, 3, [functions, tmp_path], timeout=120)
    assert [r.rank for r in results] == [0, 1, 2] and all(r.returncode == 0 for r in results)
    assert [(tmp_path / f"{rank}.txt").read_text() for rank in range(3)] == ["6/3"] * 3  # 1 + 2 + 3 on every rank


def test_a_failing_rank_stops_the_group_and_is_reported_with_its_stderr(tmp_path):
    script = tmp_path / "fail.py"
    # rank 0 stands for a rank waiting in a collective that rank 1 never reaches
    script.write_text("import os, sys, time\nif os.environ['RANK'] == '1':\n"
                      "    print('[rank1]: rank one gives up', file=sys.stderr)\n    sys.exit(1)\ntime.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(LaunchError, match="^rank 1 exited with status 1: rank one gives up\n"):
        launch(script, 2, timeout=50)
    assert time.monotonic() - started < 30, "rank 0 should have been stopped when rank 1 failed"
    results = launch(script, 2, timeout=50, check=False)
    assert results[1].returncode == 1 and results[0].returncode < 0  # rank 0 killed


def test_launch_kills_workers_that_run_past_the_timeout(tmp_path):
    script = tmp_path / "hang.py"
    script.write_text("import time\ntime.sleep(60)\n")
    with pytest.raises(LaunchError, match="did not finish within 2 s"):
        launch(script, 2, timeout=2)
    with pytest.raises(ValueError):
        launch(script, 0)


def test_launch_starts_again_on_a_new_port_when_its_port_was_taken(tmp_path, monkeypatch):
    import dlcourse.distributed as distributed

    script = tmp_path / "worker.py"
    script.write_text(WORKER)

    def combine(total, world_size):
        return f"{total:g}/{world_size}"

    functions = save_functions(tmp_path / "f.pkl", combine)
    # Another program listens on the first port handed out: the race free_port() cannot rule out.
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    ports = iter([squatter.getsockname()[1], free_port()])
    handed_out = []
    monkeypatch.setattr(distributed, "free_port", lambda: handed_out.append(next(ports)) or handed_out[-1])
    try:
        results = launch(script, 2, [functions, tmp_path], timeout=120)
    finally:
        squatter.close()
    assert len(handed_out) == 2, "the group should have started once more, on a new port"
    assert all(r.returncode == 0 for r in results)
    assert [(tmp_path / f"{rank}.txt").read_text() for rank in range(2)] == ["3/2"] * 2
