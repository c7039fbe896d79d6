"""Running a learner's notebook for grading: nbgrader's Execute, hardened.

``HardenedExecute`` replaces nbgrader's ``Execute`` in the autograde pipeline
(see ``grader.config``). It differs in what the kernel can see and in what
happens when things go wrong:

* The kernel is always ``python -m ipykernel_launcher`` of this interpreter
  (no kernelspec a learner could edit), with its stdout and stderr sent to
  /dev/null, so nothing the learner prints or ``os.write``s reaches the
  grader's own output; without ``NBGRADER_*`` variables (no grading-mode
  signal), with a fresh ``IPYTHONDIR`` (no startup files) and a fixed
  ``PYTHONHASHSEED``. In classroom mode the command is wrapped in the sandbox
  (``grader.sandbox``) and talks over Unix sockets.
* Before learner code runs, ``grader/kernel_guard.py`` snapshots the kernel;
  before each test cell it restores what learner code may have tampered with
  and checks that the kernel still reports errors honestly (a checkpoint and a
  canary that must fail); after each test it reports changes made while the
  test ran. A test run in a tampered kernel scores 0 with a reason.
* Test cells run without entering IPython's input history.
* A dead kernel (``os._exit``, a segfault, out of memory), a kernel that no
  longer answers after a timeout, and the per-notebook time cap all end the run
  cleanly: the cell gets an error output saying why, every later cell gets one
  saying it did not run, and the scores of cells already run are kept.
* Output is capped while it arrives, so a runaway print cannot fill the
  grader's memory.
"""
from __future__ import annotations

import ast
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from traitlets import Dict, Integer, Unicode

from nbgrader.preprocessors import Execute

from grader.notebooks import is_check_cell

GUARD_SOURCE = (Path(__file__).with_name("kernel_guard.py")).read_text()

# Error names the grader itself puts into a cell; grader.check turns them into reasons.
KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelUnresponsive"
NOT_RUN = "NotRun"
TIME_CAP = "NotebookTimeLimit"
CELL_TIMEOUT = "CellTimeout"
TAMPERING = "TamperingDetected"
OUTPUT_LOST = "OutputLost"
UNTRUSTED_VALUE = "UntrustedValue"
GRADER_ERRORS = {KERNEL_DIED, KERNEL_STUCK, NOT_RUN, TIME_CAP, CELL_TIMEOUT, TAMPERING, OUTPUT_LOST, UNTRUSTED_VALUE}

# Packages whose functions and classes the tests trust; learner patches to them are undone.
WATCHED_PACKAGES = (
    "builtins", "math", "cmath", "operator", "functools", "itertools", "collections", "copy", "numbers",
    "random", "types", "abc", "unittest", "numpy", "scipy", "torch", "sklearn", "dlcourse",
    "IPython", "ipykernel", "jupyter_client", "zmq", "traitlets", "comm",
)
# Environment variables that would tell learner code it is being graded.
_GRADING_SIGNALS = ("NBGRADER_", "JPY_SESSION_NAME", "DLCOURSE_GRADER")


def _label(cell: NotebookNode, index: int) -> str:
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell '{grade_id}'" if grade_id else f"cell {index + 1}"


def _error_output(ename: str, reason: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=reason, traceback=[f"{ename}: {reason}"])


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell: NotebookNode) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_locked_code(cell: NotebookNode) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("solution")


# -- what the guard needs to know about a chapter -----------------------------------------------------

def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def assigned_names(source: str) -> list[str]:
    """Every name a cell assigns at any depth (results the tests hold: out, loss, dw, ...)."""
    tree = _parse(source)
    return sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
                   and isinstance(node.ctx, ast.Store)}) if tree else []


def defined_names(source: str) -> list[str]:
    """Top-level functions, classes and imports a (locked) cell defines: test helpers."""
    tree = _parse(source)
    names = []
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(alias.asname or alias.name.split(".")[0]) for alias in node.names if alias.name != "*"]
    return names


def guard_spec(source: NotebookNode) -> dict:
    """From the chapter's *source* notebook: which names the tests import, and from where.

    The imports cell is editable by the learner, so bindings come from the
    source, never from the submission.
    """
    bindings: dict[str, tuple[str, str | None]] = {}
    for cell in source.cells:
        if cell.cell_type != "code" or nbgrader_meta(cell).get("solution"):
            continue
        tree = _parse(cell.source)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bindings[alias.asname] = (alias.name, None)
                    else:
                        bindings[alias.name.split(".")[0]] = (alias.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        bindings[alias.asname or alias.name] = (node.module, alias.name)
    used: set[str] = set()
    chains: set[str] = set()
    for cell in source.cells:
        if not is_test_cell(cell):
            continue
        tree = _parse(cell.source)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                parts = []
                inner: ast.AST = node
                while isinstance(inner, ast.Attribute):
                    parts.append(inner.attr)
                    inner = inner.value
                if isinstance(inner, ast.Name) and inner.id in bindings:
                    module, attribute = bindings[inner.id]
                    base = f"{module}.{attribute}" if attribute else module
                    parts.reverse()
                    for depth in range(1, len(parts) + 1):
                        chains.add(".".join([base] + parts[:depth]))
    test_bindings = {name: bindings[name] for name in sorted(used) if name in bindings}
    preload = sorted({module if attribute is None else f"{module}.{attribute}"
                      for module, attribute in test_bindings.values()}
                     | {module for module, _ in test_bindings.values()} | chains)
    packages = set(WATCHED_PACKAGES) | {module.split(".")[0] for module, _ in test_bindings.values()}
    return {"bindings": test_bindings, "preload": preload, "watched_packages": sorted(packages)}


# -- the kernel ---------------------------------------------------------------------------------------

class GraderKernelManager(AsyncKernelManager):
    """A kernel manager whose command is ours, optionally wrapped in a sandbox."""

    def __init__(self, *, command_prefix: list[str], interrupt_by_message: bool, sandbox_uid: int | None,
                 **kwargs):
        super().__init__(**kwargs)
        self._command_prefix = list(command_prefix)
        self._sandbox_uid = sandbox_uid
        self._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                  "--HistoryManager.hist_file=:memory:", "--IPKernelApp.quiet=True"],
            display_name="Python 3 (grader)", language="python",
            interrupt_mode="message" if interrupt_by_message else "signal",
            metadata={"debugger": False},
        )

    @property
    def ipykernel(self) -> bool:
        return True

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # extra_arguments repeat nbclient's history setting, already in our argv.
        return self._command_prefix + super().format_kernel_cmd([])

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self._sandbox_uid is not None and os.geteuid() == 0:
            os.chown(self.connection_file, self._sandbox_uid, self._sandbox_uid)


class HardenedExecute(Execute):
    """nbgrader's Execute with the protections described in this module's docstring."""

    notebook_timeout = Integer(600, help="Seconds for the whole notebook; later cells are not run.").tag(config=True)
    source_dir = Unicode("", help="The course's source/ folder, to read the chapter's imports.").tag(config=True)
    output_limit = Integer(1_000_000, help="Characters of output kept per cell.").tag(config=True)
    sandbox = Dict({}, help="Keyword arguments for grader.sandbox.kernel_command; empty: no sandbox.").tag(config=True)
    kernel_log = Unicode("", help="File for the kernel's stderr (classroom); empty: /dev/null.").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._runtime_dir: Path | None = None
        self._cell_timeout: float | None = None
        self._timed_out = False
        self._asked_to_exit = False
        self._output_used: dict[int, int] = {}

    # -- starting the kernel -------------------------------------------------------------------------

    def _kernel_environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(_GRADING_SIGNALS)}
        env.pop("JPY_PARENT_PID", None)
        env["PYTHONHASHSEED"] = "0"
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return env

    def create_kernel_manager(self):
        from grader.sandbox import kernel_command

        self._runtime_dir = Path(tempfile.mkdtemp(prefix="kernel-"))
        ipython_dir = self._runtime_dir / "ipython"
        ipython_dir.mkdir()
        kwargs = {}
        prefix: list[str] = []
        uid = None
        if self.sandbox:
            workdir = Path(self.resources.get("metadata", {}).get("path") or os.getcwd())
            prefix, uid = kernel_command(runtime_dir=self._runtime_dir, workdir=workdir, **self.sandbox)
            # A kernel in its own network namespace cannot reach the grader's loopback ports.
            kwargs = {"transport": "ipc", "ip": str(self._runtime_dir / "ipc")}
        self.km = GraderKernelManager(command_prefix=prefix, interrupt_by_message=bool(self.sandbox),
                                      sandbox_uid=uid, config=self.config,
                                      connection_file=str(self._runtime_dir / "kernel.json"), **kwargs)
        return self.km

    def _launch_kwargs(self) -> dict:
        env = self._kernel_environment()
        env["IPYTHONDIR"] = str(self._runtime_dir / "ipython") if self._runtime_dir else env.get("IPYTHONDIR", "")
        stderr = subprocess.DEVNULL
        if self.kernel_log:
            Path(self.kernel_log).parent.mkdir(parents=True, exist_ok=True)
            stderr = open(self.kernel_log, "ab")  # the sandbox's file-size limit caps it
        return {"env": env, "stdout": subprocess.DEVNULL, "stderr": stderr, "stdin": subprocess.DEVNULL}

    def _start_failure(self, error: Exception) -> RuntimeError:
        detail = ""
        if self.kernel_log and Path(self.kernel_log).is_file():
            lines = Path(self.kernel_log).read_text(errors="replace").strip().splitlines()
            detail = f" ({lines[-1][:200]})" if lines else ""
        return RuntimeError(f"the kernel did not start: {type(error).__name__}: {error}{detail}")

    # -- the run ------------------------------------------------------------------------------------

    def preprocess(self, nb: NotebookNode, resources=None, km=None):
        from nbclient.client import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._spec = guard_spec(self._source_notebook(nb))
        self._key = f"__{secrets.token_hex(8)}__"
        notes = self.resources.setdefault("dlcourse_grader", {"restored": [], "events": []})
        self._output_used = {}
        started = monotonic()
        stop: str | None = None
        if self.km is None:
            self.km = self.create_kernel_manager()
        launch = self._launch_kwargs()
        try:
            try:
                self.start_new_kernel(**launch)
                self.start_new_kernel_client()
            except Exception as error:
                raise self._start_failure(error) from error
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                install_started = monotonic()
                stop = self._install_guard()
                if monotonic() - started > 60:
                    notes["events"].append(f"starting the kernel took {install_started - started:.0f} s, "
                                           f"the grader's snapshot {monotonic() - install_started:.0f} s")
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type != "code" or not cell.source.strip() or is_check_cell(cell):
                        continue  # the Check your work cell would grade the notebook from inside itself
                    if stop is not None:
                        cell.outputs = [_error_output(NOT_RUN, stop)]
                        continue
                    remaining = self.notebook_timeout - (monotonic() - started)
                    if remaining < 1:
                        stop = f"not run: the notebook used up its {self.notebook_timeout} s time limit"
                        cell.outputs = [_error_output(TIME_CAP, stop)]
                        notes["events"].append(stop)
                        continue
                    self._cell_timeout = max(1.0, min(float(self.timeout or remaining), remaining))
                    cell_started = monotonic()
                    stop = self._run_cell(cell, index, capped=self._cell_timeout < (self.timeout or 0))
                    if stop:
                        notes["events"].append(stop)
                    if monotonic() - cell_started > 60:
                        notes["events"].append(f"{_label(cell, index)} took {monotonic() - cell_started:.0f} s")
        finally:
            if launch["stderr"] is not subprocess.DEVNULL:
                launch["stderr"].close()
            if self._runtime_dir is not None:
                shutil.rmtree(self._runtime_dir, ignore_errors=True)
                self._runtime_dir = None
            if self.sandbox:
                _reclaim(Path(self.resources.get("metadata", {}).get("path") or "."))
        self._limit_widget_state()
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _source_notebook(self, nb: NotebookNode) -> NotebookNode:
        info = self.resources.get("nbgrader", {})
        path = Path(self.source_dir) / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        if self.source_dir and path.is_file():
            return nbformat.read(path, as_version=4)
        # Without a source folder only locked cells can be trusted for imports.
        return nbformat.v4.new_notebook(cells=[cell for cell in nb.cells if is_locked_code(cell)])

    def _run_cell(self, cell: NotebookNode, index: int, capped: bool) -> str | None:
        """Run one cell; return why the rest of the notebook cannot run, or None."""
        number = _label(cell, index)
        test = is_test_cell(cell)
        started = False
        try:
            if test:
                problem = self._checkpoint(cell)
                if problem:
                    cell.outputs = [_error_output(TAMPERING, problem)]
                    return None
            self._timed_out = False
            self._asked_to_exit = False
            self._output_used.pop(index, None)
            started = True
            try:
                self.execute_cell(cell, index, store_history=not test)
            except CellTimeoutError:
                # No sign of the cell finishing after the interrupt: the kernel is stuck.
                return self._give_up(cell, number, capped)
            if self._timed_out:
                if not self._responsive():
                    return self._give_up(cell, number, capped)
                # Replace KeyboardInterrupt and nbgrader's CellTimeoutError by one reason.
                cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
                cell.outputs.append(_error_output(TIME_CAP if capped else CELL_TIMEOUT, self._timeout_reason(capped)))
                if capped:
                    return f"not run: the notebook used up its {self.notebook_timeout} s time limit"
            if self._asked_to_exit:
                reason = f"the code in {number} called exit() or quit(), which stops the kernel"
                cell.outputs.append(_error_output(KERNEL_DIED, reason))
                return f"not run: {reason}"
            if test:
                changed, untrusted = self._verify(cell)
                if changed:
                    cell.outputs.append(_error_output(
                        TAMPERING, "tampering detected: " + ", ".join(changed[:3]) + " changed while the test ran"))
                elif untrusted:
                    cell.outputs.append(_error_output(
                        UNTRUSTED_VALUE, f"the tested code returned {untrusted[0]}; "
                                         "the tests accept plain numbers and arrays only"))
            elif is_locked_code(cell):
                self._hidden_call("record", [defined_names(cell.source)])
        except DeadKernelError:
            if started:
                reason = f"the kernel died in {number} (out of memory, a crash, or the code exited the process)"
            else:
                reason = (f"the kernel had stopped before {number} (an earlier cell called exit() or "
                          "os._exit(), or crashed it)")
            cell.outputs.append(_error_output(KERNEL_DIED, reason))
            return f"not run: {reason}"
        except _GuardFailure as failure:
            cell.outputs.append(_error_output(KERNEL_STUCK if failure.fatal else TAMPERING, str(failure)))
            if failure.fatal or not self._responsive():
                self._kill()
                return f"not run: the kernel stopped answering the grader in {number}"
        return None

    def _timeout_reason(self, capped: bool) -> str:
        if capped:
            return f"timed out: the notebook used up its {self.notebook_timeout} s time limit in this cell"
        return f"timed out: the cell ran longer than {self.timeout} s (an endless loop?)"

    def _give_up(self, cell: NotebookNode, number: str, capped: bool) -> str:
        self._kill()
        cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
        cell.outputs.append(_error_output(TIME_CAP if capped else KERNEL_STUCK, self._timeout_reason(capped)
                                          + "; the kernel did not stop when interrupted and was shut down"))
        return f"not run: the kernel was shut down after {number} would not stop"

    def _kill(self) -> None:
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:
            pass

    # nbclient hooks ------------------------------------------------------------------------------------

    def on_cell_executed(self, **kwargs):
        payload = kwargs["execute_reply"].get("content", {}).get("payload", []) or []
        # exit() in IPython asks the kernel to stop after the cell; whether the next
        # cell still finds it alive is a race, so stop here, the same way every run.
        self._asked_to_exit = any(item.get("source") == "ask_exit" for item in payload if isinstance(item, dict))
        return super().on_cell_executed(**kwargs)

    def _get_timeout(self, cell):
        return self._cell_timeout if self._cell_timeout is not None else super()._get_timeout(cell)

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = _size(msg.get("content", {}))
        used = self._output_used.get(cell_index, 0)
        self._output_used[cell_index] = used + size
        if msg["msg_type"] != "error" and used + size > self.output_limit:
            notice = f"[the grader dropped output beyond {self.output_limit:,} characters in this cell]\n"
            if not any(out.get("output_type") == "stream" and out.get("text", "").endswith(notice) for out in outs):
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=notice))
            return None
        if msg["msg_type"] == "error":
            content = msg["content"]
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-60:]]
        return super().output(outs, msg, display_id, cell_index)

    def _limit_widget_state(self) -> None:
        if _size(self.widget_state) > 5 * self.output_limit:
            self.widget_state.clear()
            self.widget_buffers.clear()

    # -- talking to the guard ---------------------------------------------------------------------------

    def _install_guard(self) -> str | None:
        spec = dict(self._spec, key=self._key, nonce=secrets.token_hex(16))
        code = (f"(lambda _g: (exec(compile({GUARD_SOURCE!r}, '<grader>', 'exec'), _g), "
                f"_g['install']({spec!r})))({{'__name__': '_grader'}})")
        try:
            self._expect_checkpoint(code, spec["nonce"], timeout=max(60.0, float(self.timeout or 60)))
        except DeadKernelError:
            return "not run: the kernel died while starting"
        except _GuardFailure as failure:
            return f"not run: {failure}"
        return None

    def _checkpoint(self, cell: NotebookNode) -> str | None:
        grade_id = nbgrader_meta(cell).get("grade_id", "")
        try:
            result = self._hidden_call("checkpoint", [grade_id])
        except _GuardFailure as failure:
            if failure.fatal:
                raise
            return f"tampering detected before this test: {failure}"
        if result.get("restored"):
            self.resources["dlcourse_grader"]["restored"].extend(
                item for item in result["restored"] if item not in self.resources["dlcourse_grader"]["restored"])
        # The canary: the test's own source behind a failing line. A kernel that
        # skips, rewrites or silences test cells treats it like the test.
        nonce = secrets.token_hex(16)
        canary = f"raise AssertionError({nonce!r})\n{cell.source}"
        try:
            reply, errors = self._run_hidden(canary, timeout=30.0, store_history=False)
        except _GuardFailure as failure:
            if failure.fatal:
                raise
            return f"tampering detected before this test: {failure}"
        if not (reply.get("status") == "error" and reply.get("ename") == "AssertionError"
                and reply.get("evalue") == nonce and any(e.get("evalue") == nonce for e in errors)):
            return "tampering detected: the kernel no longer reports a failing test as failed"
        return None

    def _verify(self, cell: NotebookNode) -> tuple[list[str], list[str]]:
        try:
            result = self._hidden_call("verify", [defined_names(cell.source), assigned_names(cell.source)])
        except _GuardFailure as failure:
            if failure.fatal:
                raise
            return [str(failure)], []
        return result.get("changed", []), result.get("untrusted", [])

    def _hidden_call(self, method: str, arguments: list) -> dict:
        nonce = secrets.token_hex(16)
        code = f"{self._key}.{method}({nonce!r}, *{json.dumps(arguments)})"
        return self._expect_checkpoint(code, nonce, timeout=30.0)

    def _expect_checkpoint(self, code: str, nonce: str, timeout: float) -> dict:
        reply, errors = self._run_hidden(code, timeout=timeout, store_history=False)
        value = str(reply.get("evalue", ""))
        if reply.get("status") != "error" or reply.get("ename") != "GraderCheckpoint" \
                or not value.startswith(nonce + " ") or not any(e.get("evalue") == value for e in errors):
            raise _GuardFailure("the grader's checks could not run in this kernel "
                                "(its execution or error reporting was modified)")
        try:
            return json.loads(value[len(nonce) + 1:])
        except ValueError:
            raise _GuardFailure("the grader's checks returned garbage") from None

    def _responsive(self) -> bool:
        try:
            reply, _ = self._run_hidden("pass", timeout=10.0, store_history=False)
        except (DeadKernelError, _GuardFailure):
            return False
        return reply.get("status") == "ok"

    def _run_hidden(self, code: str, timeout: float, store_history: bool) -> tuple[dict, list[dict]]:
        return run_sync(self._async_run_hidden)(code, timeout, store_history)

    async def _async_run_hidden(self, code: str, timeout: float, store_history: bool):
        """Execute code outside the notebook; return the reply content and the error outputs."""
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=False, store_history=store_history, allow_stdin=False,
                                 stop_on_error=False)
        deadline = monotonic() + timeout
        reply = None
        while reply is None:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise _GuardFailure("the kernel stopped answering the grader (stuck, or its machinery was modified)",
                                    fatal=True)
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=min(1.0, remaining))
            except Empty:
                await self._async_check_alive()
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg["content"]
        errors = []
        while True:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise _GuardFailure("the kernel stopped answering the grader (stuck, or its machinery was modified)",
                                    fatal=True)
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=min(1.0, remaining))
            except Empty:
                await self._async_check_alive()
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "error":
                errors.append(msg["content"])
            elif msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                return reply, errors


class _GuardFailure(Exception):
    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


def _reclaim(folder: Path) -> None:
    """Take the submission's folder back from the sandbox's uid before nbgrader writes into it.

    The kernel (now dead, with every process it started) could have left a
    symlink where nbgrader will write the graded notebook; root must not follow it.
    """
    if not folder.is_dir():
        return
    uid, gid = os.geteuid(), os.getegid()
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files + dirs:
            path = os.path.join(root, name)
            if os.path.islink(path) or not (os.path.isfile(path) or os.path.isdir(path)):
                os.unlink(path)
            elif uid == 0:
                os.chown(path, uid, gid, follow_symlinks=False)
    if uid == 0:
        os.chown(folder, uid, gid, follow_symlinks=False)


def _size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_size(item) for item in value)
    return 8
