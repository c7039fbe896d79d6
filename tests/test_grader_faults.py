"""Three reliability faults, each with the test that would catch it coming back.

(a) Several checks at once: a kernel reply already waiting in the socket must
    not wait for the cell's whole timeout (a missed zmq.asyncio wake-up); a
    unit test of the channel, and several real checks started together.
(b) A learner function that never returns: test cells have their own short
    limit, the reason names the test and the function, the rest scores as usual.
(c) A fork bomb in a sandboxed classroom run: the kernel is not starved, the
    other cells' points are kept and a note says what happened (see
    tests/adversarial/classroom_cases.py, student "forker01").
"""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from queue import Empty

import nbformat
import pytest
import zmq
import zmq.asyncio
from jupyter_client.session import Session

from grader import kernel
from grader.check import grade
from grader.kernel import SlicedPollChannel
from grader.paths import REPO_ROOT, solution_notebook
from tests.notebook_variants import nbgrader_meta

CH1 = "01_gradient_descent"


class _DeafSocket:
    """A socket holding one message whose first poll misses it (as a lost edge-triggered wake-up does)."""

    def __init__(self, frames):
        self.frames = frames
        self.polls = []

    async def poll(self, timeout_ms):
        self.polls.append(timeout_ms)
        if len(self.polls) == 1:
            await asyncio.sleep(timeout_ms / 1000)
            return 0
        return zmq.POLLIN

    async def recv_multipart(self, copy=True):
        return self.frames


def _channel(fake_socket, session) -> SlicedPollChannel:
    context = zmq.asyncio.Context()
    real = context.socket(zmq.DEALER)
    channel = SlicedPollChannel(real, session)
    real.close(linger=0)
    context.term()
    channel.socket = fake_socket  # only poll and recv_multipart are used by get_msg
    return channel


def test_a_waiting_reply_is_read_within_a_poll_slice_not_the_whole_timeout(monkeypatch):
    monkeypatch.setattr(kernel, "POLL_SLICE_S", 0.2)
    session = Session(key=b"k")
    message = session.msg("execute_reply", {"status": "ok"})
    socket = _DeafSocket(session.serialize(message))
    channel = _channel(socket, session)
    started = time.monotonic()
    received = asyncio.run(channel.get_msg(timeout=60))
    assert received["header"]["msg_id"] == message["header"]["msg_id"]
    assert time.monotonic() - started < 5, "the reply waited for the whole timeout"
    assert max(socket.polls) <= 200


def test_a_channel_with_nothing_to_read_still_times_out(monkeypatch):
    monkeypatch.setattr(kernel, "POLL_SLICE_S", 0.05)

    class Silent(_DeafSocket):
        async def poll(self, timeout_ms):
            self.polls.append(timeout_ms)
            await asyncio.sleep(timeout_ms / 1000)
            return 0

    channel = _channel(Silent([]), Session(key=b"k"))
    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(channel.get_msg(timeout=0.3))
    assert 0.25 < time.monotonic() - started < 3


def _check(path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "grader", "check", str(path), "--json"], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.notebook
def test_several_checks_at_once_all_finish_within_a_small_multiple_of_one(tmp_path):
    copies = []
    for index in range(4):
        folder = tmp_path / f"learner{index}"
        folder.mkdir()
        copies.append(shutil.copy(solution_notebook(CH1), folder / f"{CH1}.ipynb"))
    started = time.monotonic()
    assert _check(copies[0]).wait(timeout=600) == 0  # also fills the course cache, as a learner's first check does
    alone = time.monotonic() - started
    started = time.monotonic()
    runs = [_check(path) for path in copies[1:]]
    seconds = []
    for run in runs:
        assert run.wait(timeout=900) == 0, run.stderr.read()[-2000:]
        seconds.append(time.monotonic() - started)
    # Three at once share the CPU, so each may take a few times as long; a stalled
    # reply costs the whole cell timeout (180 s) and shows far above this bound.
    assert max(seconds) < 4 * alone + 30, (alone, seconds)


def _looping(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == "mse_loss")
    cell.source = "def mse_loss(y_pred, y):\n    while True:\n        pass\n"
    return notebook


@pytest.mark.notebook
def test_a_function_that_never_returns_costs_about_a_minute_and_nothing_else(tmp_path):
    path = tmp_path / f"{CH1}.ipynb"
    nbformat.write(_looping(nbformat.read(solution_notebook(CH1), as_version=4)), path)
    started = time.monotonic()
    report = grade(path)
    seconds = time.monotonic() - started
    rows = {test.name: test for test in report.tests}
    looping = rows.pop("test_mse_loss_values")
    assert looping.score == 0 and "timed out" in looping.message and "mse_loss" in looping.message, looping
    assert all(test.status == "pass" for test in rows.values()), rows  # the other tests do not call it
    assert report.score == report.max_score - looping.max_score
    assert seconds < 75, f"a looping mse_loss cost {seconds:.0f} s"


FORK_500_SLEEPERS = ("import os, time\n"
                     "for _ in range(500):\n"
                     "    if os.fork() == 0:\n"
                     "        time.sleep(600)\n"
                     "        os._exit(0)\n\n")


@pytest.mark.notebook
def test_a_fork_bomb_in_the_sandbox_keeps_the_points_of_other_cells_and_says_why(tmp_path):
    from grader import classroom
    from tests.classroom_helpers import sandboxed_course

    course = sandboxed_course(tmp_path, [CH1])
    notebook = nbformat.read(solution_notebook(CH1), as_version=4)
    answer = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == "mse_loss")
    answer.source = FORK_500_SLEEPERS + answer.source  # the fork fails at the limit before mse_loss is defined
    folder = course / "submitted" / "forker01" / CH1
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{CH1}.ipynb")
    (outcome,) = classroom.autograde(course, workers=1, feedback=False, log=lambda line: None)
    rows = {test["name"]: test for test in outcome.tests}
    assert outcome.status == "graded", outcome.reason
    assert rows.pop("test_mse_loss_values")["score"] == 0
    assert all(row["status"] == "pass" for row in rows.values()), rows  # nothing else depends on mse_loss
    assert outcome.score == outcome.max_score - 2
    assert "child processes" in outcome.reason
    assert "limit" in outcome.note_kinds
