"""The kernel guard's parts, each in a plain IPython InteractiveShell (no kernel, no notebook).

snapshot: what is recorded before learner code; restore: a patch is listed and
put back; verify: a change made during a test and an untrusted value are
reported; trust: the comparison helpers refuse a learner's float subclass.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from grader.kernel_guard import guard_source
from grader.kernel_guard.guard import RESULT_MIME, Guard
from grader.kernel_guard.restore import differences, rebind
from grader.kernel_guard.snapshot import _Snapshot

SPEC = {"watched_packages": ["builtins", "json", "math", "numpy"], "preload": ["numpy.testing"],
        "bindings": {"np": ("numpy", None), "isclose": ("math", "isclose")}}


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.user_ns.update(np=np, isclose=math.isclose)
    yield shell
    shell.user_ns.pop("np", None)
    shell.user_ns.pop("isclose", None)


def test_snapshot_records_watched_modules_functions_and_the_shell(shell):
    snapshot = _Snapshot(SPEC)
    assert {"json", "math", "numpy", "numpy.testing"} <= set(snapshot.modules)
    assert "dumps" in snapshot.module_dicts["json"]
    assert id(json.dumps) in snapshot.functions  # a pure-Python function: its code object is kept
    assert snapshot.shell is shell and snapshot.bindings["np"] is np
    assert not any(name.startswith("pytest") for name in snapshot.modules), "only watched packages"


def test_restore_lists_and_undoes_module_builtin_and_shell_patches(shell, monkeypatch):
    snapshot = _Snapshot(SPEC)
    original_dumps, original_code = json.dumps, json.loads.__code__
    monkeypatch.setattr(json, "dumps", lambda *a, **k: "{}")
    json.loads.__code__ = (lambda s, **k: {}).__code__
    shell.run_cell = lambda *a, **k: None  # an instance override of how a cell runs
    shell.user_ns["np"] = "not numpy"
    try:
        changed = differences(snapshot, restore=False)
        assert "json.dumps" in changed and "json.loads.__code__" in changed
        assert "InteractiveShell.run_cell" in changed
        assert rebind(snapshot, restore=False) == ["np"]
        differences(snapshot, restore=True)
        rebind(snapshot, restore=True)
        assert json.dumps is original_dumps and json.loads.__code__ is original_code
        assert "run_cell" not in vars(shell) and shell.user_ns["np"] is np
        assert differences(snapshot, restore=False) == []
    finally:
        json.loads.__code__ = original_code
        vars(shell).pop("run_cell", None)


def test_verify_reports_a_change_made_during_the_test_and_an_untrusted_value(shell, monkeypatch):
    guard = Guard(SPEC)
    assert guard.checkpoint("test_x") == {"restored": []}
    monkeypatch.setattr(math, "sqrt", lambda x: 0.0)  # learner code patching while the test runs

    class Loss(float):
        def __eq__(self, other):
            return True

    shell.user_ns["loss"] = Loss(1.0)
    try:
        result = guard.verify([], ["loss"])
        assert "math.sqrt" in result["changed"]
        assert result["untrusted"] and "subclass of float" in result["untrusted"][0]
        assert math.sqrt(4.0) == 2.0, "verify puts the patch back"
    finally:
        shell.user_ns.pop("loss", None)


def test_trust_makes_comparisons_refuse_learner_subclasses_only_during_a_test(shell):
    guard = Guard(SPEC)

    class Pretend(float):
        pass

    guard.checkpoint("test_y")
    try:
        assert np.allclose(1.0, 1.0)
        with pytest.raises(AssertionError, match="plain numbers and arrays only"):
            np.allclose(Pretend(1.0), 1.0)
    finally:
        guard.verify([], [])
    assert np.allclose(Pretend(1.0), 1.0), "outside a test the original function is back"


def test_results_are_published_as_display_data_with_the_nonce(shell):
    guard = Guard(SPEC)
    published = []
    guard._publish = lambda data, metadata: published.append(data)
    guard.call("nonce-1", "record", [])
    assert published == [{RESULT_MIME: {"nonce": "nonce-1", "result": {}}}]


def test_the_kernel_gets_all_modules_as_one_block_that_runs_without_the_grader():
    namespace = {"__name__": "_grader"}
    exec(compile(guard_source(), "<grader>", "exec"), namespace)  # noqa: S102 - the guard's own source
    assert callable(namespace["install"]) and "grader.kernel_guard" not in repr(namespace["Guard"].__module__)
