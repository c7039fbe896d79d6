"""Running a learner's notebook for grading: nbgrader's Execute, hardened.

``HardenedExecute`` replaces nbgrader's ``Execute`` in the autograde pipeline
(see ``grader.config``). For each notebook it starts our kernel
(``grader.kernel``), drives it with an nbclient ``NotebookClient``
(``grader.grading_client``) through nbclient's public traits and hooks, and
talks to the guard inside the kernel (``grader.guard_channel``):

* before learner code runs, the guard snapshots the kernel; before each test
  cell it restores what learner code may have tampered with and checks that
  the kernel still reports errors honestly (a checkpoint and a canary that
  must fail); after each test it reports changes made while the test ran. A
  test run in a tampered kernel scores 0 with a reason;
* test cells run without entering IPython's input history, under their own,
  shorter time limit (``test_timeout``): they call the learner's functions on
  small inputs, so an endless loop costs seconds, not minutes. The reason
  names the function the test was calling; later cells that call a function
  already seen to hang get an even shorter one (``hung_function_timeout``);
* a dead kernel (``os._exit``, a segfault, out of memory), a kernel that no
  longer answers after a timeout, and the per-notebook time cap all end the
  run cleanly: the cell gets an error output saying why, every later cell gets
  one saying it did not run, and the scores of cells already run are kept.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path
from time import monotonic

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer, Unicode

from grader.cell_errors import (
    CELL_TIMEOUT,
    KERNEL_DIED,
    KERNEL_STUCK,
    NOT_RUN,
    TAMPERING,
    TIME_CAP,
    UNTRUSTED_VALUE,
    error_output,
    without_errors,
)
from grader.cells import is_check_cell, is_locked_code, is_solution, is_test, label
from grader.chapter_spec import called_names, defined_names, guard_spec
from grader.grading_client import GradingClient
from grader.guard_channel import GuardChannel, GuardFailure
from grader.kernel import KernelLaunch

# nbclient traits of the preprocessor (set through nbgrader's config) that the client inherits.
_CLIENT_TRAITS = ("timeout", "interrupt_on_timeout", "raise_on_iopub_timeout", "iopub_timeout", "startup_timeout",
                  "shell_timeout_interval", "skip_cells_with_tag", "store_widget_state", "record_timing",
                  "ipython_hist_file")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FRAME = re.compile(r"^(?:Cell In\[\d*\], line \d+|File [^,]+, line \d+), in (\w+)")


class HardenedExecute(Execute):
    """nbgrader's Execute with the protections described in this module's docstring."""

    notebook_timeout = Integer(600, help="Seconds for the whole notebook; later cells are not run.").tag(config=True)
    test_timeout = Integer(30, help="Seconds per test cell (at most the cell timeout).").tag(config=True)
    hung_function_timeout = Integer(
        10, help="Seconds for a cell that calls a function a test already saw never return.").tag(config=True)
    source_dir = Unicode("", help="The course's source/ folder, to read the chapter's imports.").tag(config=True)
    output_limit = Integer(1_000_000, help="Characters of output kept per cell.").tag(config=True)
    sandbox = Dict({}, help="Keyword arguments for grader.sandbox.kernel_command; empty: no sandbox.").tag(config=True)
    kernel_log = Unicode("", help="File for the kernel's stderr (classroom); empty: /dev/null.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources=None, km=None):
        resources = resources if resources is not None else {}
        _NotebookRun(self, nb, resources).run()
        return nb, resources


class _NotebookRun:
    """One notebook through one kernel: the cell loop and what happens when a cell goes wrong."""

    def __init__(self, options: HardenedExecute, nb: NotebookNode, resources: dict):
        self.options = options
        self.nb = nb
        self.resources = resources
        self.notes = resources.setdefault("dlcourse_grader", {"restored": [], "events": []})
        source = self._source_notebook()
        self.spec = guard_spec(source)
        # The learner's own functions: what a test that times out was probably calling.
        self.learner_functions = {name for cell in source.cells if is_solution(cell) and cell.cell_type == "code"
                                  for name in defined_names(cell.source)}
        self.hanging: set[str] = set()  # learner functions a test has seen never return
        # A reply nbclient makes up when a cell times out; a name no cell can raise.
        self.timeout_name = f"GraderTimeout{secrets.token_hex(8)}"
        self.started = monotonic()
        self.limit = 0.0
        self.capped = False
        self.timed_out = False
        self.asked_to_exit = False

    def _source_notebook(self) -> NotebookNode:
        info = self.resources.get("nbgrader", {})
        path = Path(self.options.source_dir) / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        if self.options.source_dir and path.is_file():
            return nbformat.read(path, as_version=4)
        # Without a source folder only locked cells can be trusted for imports.
        return nbformat.v4.new_notebook(cells=[cell for cell in self.nb.cells if is_locked_code(cell)])

    # -- the run --------------------------------------------------------------------------------------

    def run(self) -> None:
        options = self.options
        workdir = Path(self.resources.get("metadata", {}).get("path") or ".").resolve()
        self.launch = launch = KernelLaunch(workdir=workdir, sandbox=options.sandbox,
                                            kernel_log=options.kernel_log, config=options.config)
        traits = {name: getattr(options, name) for name in _CLIENT_TRAITS}
        self.client = GradingClient(
            self.nb, launch=launch, output_limit=options.output_limit, resources=self.resources,
            # The outputs are all in once the last cell has run: the kernel has nothing left to save.
            shutdown_kernel="immediate",
            allow_errors=True, timeout_func=self._timeout_for, on_cell_executed=self._on_cell_executed,
            error_on_timeout={"ename": self.timeout_name, "evalue": "", "traceback": []}, **traits)
        try:
            self._start(launch)
            with self.client.setup_kernel():
                self._run_cells()
        finally:
            launch.close()
        self.client.limit_widget_state()
        self.client.set_widgets_metadata()

    def _start(self, launch: KernelLaunch) -> None:
        client = self.client
        client.create_kernel_manager()
        try:
            client.start_new_kernel(**launch.start_kwargs())
            client.start_new_kernel_client()
        except Exception as error:
            raise launch.start_failure(error) from error

    def _run_cells(self) -> None:
        client = self.client
        info = client.wait_for_reply(client.kc.kernel_info())
        self.nb.metadata["language_info"] = info["content"]["language_info"]
        self.channel = GuardChannel(client.kc, self.spec)
        install_started = monotonic()
        stop = self._install_guard()
        if monotonic() - self.started > 60:
            self.notes["events"].append(f"starting the kernel took {install_started - self.started:.0f} s, "
                                        f"the grader's snapshot {monotonic() - install_started:.0f} s")
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code" or not cell.source.strip() or is_check_cell(cell):
                continue  # the Check your work cell would grade the notebook from inside itself
            if stop is not None:
                cell.outputs = [error_output(NOT_RUN, stop)]
                continue
            if self.options.notebook_timeout - (monotonic() - self.started) < 1:
                stop = f"not run: the notebook used up its {self.options.notebook_timeout} s time limit"
                cell.outputs = [error_output(TIME_CAP, stop)]
                self.notes["events"].append(stop)
                continue
            cell_started = monotonic()
            stop = self._run_cell(cell, index)
            if stop:
                self.notes["events"].append(stop)
            if monotonic() - cell_started > 60:
                self.notes["events"].append(f"{label(cell, index)} took {monotonic() - cell_started:.0f} s")

    def _install_guard(self) -> str | None:
        try:
            self.channel.install(timeout=max(60.0, float(self.options.timeout or 60)))
        except DeadKernelError:
            return "not run: the kernel died while starting"
        except GuardFailure as failure:
            return f"not run: {failure}"
        return None

    # -- nbclient's hooks -------------------------------------------------------------------------------

    def _timeout_for(self, cell: NotebookNode) -> float:
        """nbclient's ``timeout_func``: this cell's limit, within what is left of the notebook's."""
        cell_limit = float(self.options.timeout or self.options.notebook_timeout)
        if is_test(cell):
            cell_limit = min(cell_limit, float(self.options.test_timeout))
        if self.hanging & set(called_names(cell.source)):
            cell_limit = min(cell_limit, float(self.options.hung_function_timeout))
        remaining = self.options.notebook_timeout - (monotonic() - self.started)
        self.capped = remaining < cell_limit
        self.limit = max(1.0, min(cell_limit, remaining))
        return self.limit

    def _on_cell_executed(self, cell: NotebookNode, cell_index: int, execute_reply: dict) -> None:
        content = execute_reply.get("content", {})
        self.timed_out = content.get("ename") == self.timeout_name
        payload = content.get("payload", []) or []
        # exit() in IPython asks the kernel to stop after the cell; whether the next
        # cell still finds it alive is a race, so stop here, the same way every run.
        self.asked_to_exit = any(item.get("source") == "ask_exit" for item in payload if isinstance(item, dict))
        # nbgrader's own hook: record the reply's error when no output carries it.
        Execute.on_cell_executed(self.options, cell=cell, cell_index=cell_index, execute_reply=execute_reply)

    # -- one cell -------------------------------------------------------------------------------------

    def _run_cell(self, cell: NotebookNode, index: int) -> str | None:
        """Run one cell; return why the rest of the notebook cannot run, or None."""
        number = label(cell, index)
        test = is_test(cell)
        started = False
        try:
            if test:
                problem, restored = self.channel.checkpoint(cell)
                self.notes["restored"].extend(item for item in restored if item not in self.notes["restored"])
                if problem:
                    cell.outputs = [error_output(TAMPERING, problem)]
                    return None
            self.timed_out = self.asked_to_exit = False
            self.client.output_used.pop(index, None)
            started = True
            try:
                self.client.execute_cell(cell, index, store_history=not test)
            except CellTimeoutError:
                # No sign of the cell finishing after the interrupt: the kernel is stuck.
                return self._give_up(cell, number)
            self._end_stray_processes(number)
            if self.timed_out:
                function = self._hung_function(cell)
                if not self.channel.responsive():
                    return self._give_up(cell, number, function)
                # Replace KeyboardInterrupt and nbclient's timeout reply by one reason.
                without_errors(cell)
                cell.outputs.append(error_output(TIME_CAP if self.capped else CELL_TIMEOUT,
                                                 self._timeout_reason(test, function)))
                if self.capped:
                    return f"not run: the notebook used up its {self.options.notebook_timeout} s time limit"
                if function:
                    self.hanging.add(function)
                    self.notes["events"].append(f"{number} timed out in {function}")
            if self.asked_to_exit:
                reason = f"the code in {number} called exit() or quit(), which stops the kernel"
                cell.outputs.append(error_output(KERNEL_DIED, reason))
                return f"not run: {reason}"
            if test:
                self._verify(cell)
            elif is_locked_code(cell):
                self.channel.record(cell)
        except DeadKernelError:
            if started:
                reason = f"the kernel died in {number} (out of memory, a crash, or the code exited the process)"
            else:
                reason = (f"the kernel had stopped before {number} (an earlier cell called exit() or "
                          "os._exit(), or crashed it)")
            cell.outputs.append(error_output(KERNEL_DIED, reason))
            return f"not run: {reason}"
        except GuardFailure as failure:
            cell.outputs.append(error_output(KERNEL_STUCK if failure.fatal else TAMPERING, str(failure)))
            if failure.fatal or not self.channel.responsive():
                self._kill()
                return f"not run: the kernel stopped answering the grader in {number}"
        return None

    def _end_stray_processes(self, number: str) -> None:
        ended = self.launch.end_stray_processes()
        if ended:
            self.channel.reap()
            note = (f"the code in {number} left {ended} child processes running; the grader ended them, because "
                    "they share one process limit with the kernel's own threads and would starve it")
            self.notes.setdefault("limits", []).append(note)
            self.notes["events"].append(note)

    def _verify(self, cell: NotebookNode) -> None:
        changed, untrusted = self.channel.verify(cell)
        if changed:
            cell.outputs.append(error_output(
                TAMPERING, "tampering detected: " + ", ".join(changed[:3]) + " changed while the test ran"))
        elif untrusted:
            cell.outputs.append(error_output(
                UNTRUSTED_VALUE, f"the tested code returned {untrusted[0]}; "
                                 "the tests accept plain numbers and arrays only"))

    def _hung_function(self, cell: NotebookNode) -> str | None:
        """The learner's function the cell was running when it timed out: the innermost one
        in the interrupted traceback, else the first one the cell calls."""
        for output in reversed(cell.get("outputs", [])):
            if output.output_type != "error":
                continue
            frames = [_FRAME.match(_ANSI.sub("", line).strip()) for line in output.get("traceback", [])
                      for line in line.splitlines()]
            names = [match.group(1) for match in frames if match and match.group(1) in self.learner_functions]
            if names:
                return names[-1]
        calls = [name for name in called_names(cell.source) if name in self.learner_functions]
        return calls[0] if calls else None

    def _timeout_reason(self, test: bool, function: str | None) -> str:
        if self.capped:
            return f"timed out: the notebook used up its {self.options.notebook_timeout} s time limit in this cell"
        where = f" in {function}()" if function else ""
        what = "the test" if test else "the cell"
        return f"timed out: {what} ran longer than {self.limit:g} s{where} (an endless loop?)"

    def _give_up(self, cell: NotebookNode, number: str, function: str | None = None) -> str:
        test = is_test(cell)
        function = function or self._hung_function(cell)
        self._kill()
        without_errors(cell)
        cell.outputs.append(error_output(TIME_CAP if self.capped else KERNEL_STUCK, self._timeout_reason(test, function)
                                         + "; the kernel did not stop when interrupted and was shut down"))
        return f"not run: the kernel was shut down after {number} would not stop"

    def _kill(self) -> None:
        try:
            run_sync(self.client.km.shutdown_kernel)(now=True)
        except Exception:
            pass
