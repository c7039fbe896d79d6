"""Adversarial submissions: each a learner notebook that tries one trick, and what must happen.

Every case is built from a chapter's *release* (what a learner gets) with its
answer cells filled in and, where the trick needs it, cells added. ``expected``
is the exact score the grader must give; ``reasons`` are fragments the reason
for a test must contain (so every zero says why). Most cases run against
chapters 00 and 01, which grade in seconds.

``mode`` says where a case is defended: "both" (in-process, so self-study
grading defends it too), "classroom" (needs the sandbox) or "input" (the
notebook is refused before anything runs).
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Callable

import nbformat
from nbformat import NotebookNode

from grader.paths import chapter_notebook, solution_notebook

CH0 = "00_start_here"
CH1 = "01_gradient_descent"


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_source(chapter: str, grade_id: str) -> str:
    notebook = nbformat.read(solution_notebook(chapter), as_version=4)
    cell = next(c for c in notebook.cells if _meta(c).get("grade_id") == grade_id)
    lines = [line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line
             and "### END SOLUTION" not in line]
    return "\n".join(lines)


def learner(chapter: str, answers: dict[str, str] | None = None, *, correct: bool = True) -> NotebookNode:
    """The release with every answer cell filled: from ``answers``, else the solution (if ``correct``)."""
    notebook = nbformat.read(chapter_notebook(chapter), as_version=4)
    answers = answers or {}
    for cell in notebook.cells:
        grade_id = _meta(cell).get("grade_id")
        if _meta(cell).get("solution") and cell.cell_type == "code":
            if grade_id in answers:
                cell.source = answers[grade_id]
            elif correct:
                cell.source = solution_source(chapter, grade_id)
    return notebook


def add_cell(notebook: NotebookNode, after: str, source: str) -> NotebookNode:
    """Insert a code cell right after the cell with this grade_id (or 'first' = after the imports)."""
    if after == "first":
        index = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    else:
        index = next(i for i, c in enumerate(notebook.cells) if _meta(c).get("grade_id") == after)
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return notebook


def cells_with(notebook: NotebookNode, grade_id: str) -> list[NotebookNode]:
    return [c for c in notebook.cells if _meta(c).get("grade_id") == grade_id]


# Answers used by several cases --------------------------------------------------------------------

WRONG_NORMALIZE = "def normalize(x):\n    return np.asarray(x, dtype=np.float64)\n"  # right type, wrong values
ZEROS_NORMALIZE = "def normalize(x):\n    return np.zeros(np.shape(x), dtype=np.float64)\n"
CORRECT_NORMALIZE = solution_source(CH0, "normalize")
WRONG_MSE = "def mse_loss(y_pred, y):\n    return float(np.mean(np.abs(np.asarray(y_pred) - np.asarray(y))))\n"


@dataclass
class Case:
    name: str
    trick: str  # what the submission tries
    chapter: str
    build: Callable[[], NotebookNode]
    expected: float  # exact score
    defence: str  # what the grader does about it (for the README table)
    reasons: dict[str, str] = field(default_factory=dict)  # test -> fragment of its reason
    mode: str = "both"
    cell_timeout: int = 60
    notebook_timeout: int = 300
    notes: tuple[str, ...] = ()  # fragments that must appear in the report's notes
    xfail: str = ""  # a known gap, with what would close it
    env: dict = field(default_factory=dict)  # extra environment for `python -m grader check`
    files: dict = field(default_factory=dict)  # extra files written next to IPYTHONDIR (see startup_files)


def _tamper(code: str, answer: str = WRONG_NORMALIZE, chapter: str = CH0) -> Callable[[], NotebookNode]:
    """A wrong answer plus a cell of tampering code right after it."""
    def build():
        grade_id = "normalize" if chapter == CH0 else "mse_loss"
        notebook = learner(chapter, {grade_id: answer})
        return add_cell(notebook, grade_id, code)
    return build


def _answer(answer: str, chapter: str = CH0, grade_id: str = "normalize") -> Callable[[], NotebookNode]:
    return lambda: learner(chapter, {grade_id: answer})


# The cases -----------------------------------------------------------------------------------------

IN_PROCESS: list[Case] = [
    Case("input_transformer", "an IPython input transformer that empties every test cell", CH0,
         _tamper("get_ipython().input_transformers_post.append(\n"
                 "    lambda lines: [] if any('assert' in l for l in lines) else lines)\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="transformers restored from the start-of-kernel snapshot before each test"),
    Case("ast_transformer", "an AST transformer that deletes every assert", CH0,
         _tamper("import ast\n"
                 "class NoAsserts(ast.NodeTransformer):\n"
                 "    def visit_Assert(self, node):\n"
                 "        return ast.Pass()\n"
                 "get_ipython().ast_transformers.append(NoAsserts())\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="AST transformers restored before each test"),
    Case("custom_exc", "set_custom_exc swallowing every exception", CH0,
         _tamper("get_ipython().set_custom_exc((BaseException,),\n"
                 "                             lambda shell, etype, value, tb, tb_offset=None: None)\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="custom exception handlers reset before each test"),
    Case("showtraceback", "instance showtraceback overrides that print nothing", CH0,
         _tamper("ip = get_ipython()\n"
                 "ip.showtraceback = lambda *a, **k: None\n"
                 "ip._showtraceback = lambda *a, **k: None\n"
                 "ip.showsyntaxerror = lambda *a, **k: None\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="instance overrides of shell methods deleted before each test"),
    Case("run_cell_class_patch", "the shell's run_cell replaced at class level by one that runs nothing", CH0,
         _tamper("from IPython.core.interactiveshell import InteractiveShell, ExecutionResult, ExecutionInfo\n"
                 "_real = InteractiveShell.run_cell_async\n"
                 "async def run_cell_async(self, raw_cell, *args, **kwargs):\n"
                 "    if 'assert' in raw_cell:\n"
                 "        return ExecutionResult(ExecutionInfo(raw_cell, False, False, True, None))\n"
                 "    return await _real(self, raw_cell, *args, **kwargs)\n"
                 "InteractiveShell.run_cell_async = run_cell_async\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="class attributes of IPython and ipykernel restored before each test"),
    Case("kernel_do_execute", "the kernel's do_execute replaced to report success for test cells", CH0,
         _tamper("kernel = get_ipython().kernel\n"
                 "_real = kernel.do_execute\n"
                 "async def do_execute(code, *args, **kwargs):\n"
                 "    if 'assert' in code:\n"
                 "        return {'status': 'ok', 'execution_count': 1, 'user_expressions': {}, 'payload': []}\n"
                 "    return await _real(code, *args, **kwargs)\n"
                 "kernel.do_execute = do_execute\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="kernel instance overrides deleted before each test"),
    Case("builtins_abs_patch", "builtins.abs patched to return 0, so `abs(loss - reference) < 1e-12` holds", CH1,
         _tamper("import builtins\nbuiltins.abs = lambda value: 0\n", answer=WRONG_MSE, chapter=CH1),
         expected=9, reasons={"test_mse_loss_values": "AssertionError"}, notes=("builtins",),
         defence="builtins restored before each test"),
    Case("builtins_type_patch", "builtins.type patched so a list passes `type(out) is np.ndarray`", CH0,
         _tamper("import builtins\n"
                 "class Arr(list):\n    shape = (4,)\n    dtype = np.float64\n"
                 "_type = builtins.type\n"
                 "def fake_type(*args, **kwargs):\n"
                 "    if len(args) == 1 and isinstance(args[0], Arr):\n"
                 "        return np.ndarray\n"
                 "    return _type(*args, **kwargs)\n"
                 "builtins.type = fake_type\n",
                 answer="def normalize(x):\n    return Arr([0.0] * np.size(x))\n"),
         expected=0, reasons={"test_normalize_type_shape": "stopped answering", "test_normalize_values": "not run"},
         defence="this patch breaks ipykernel itself: the grader notices the kernel stopped answering, shuts "
                 "it down and gives the rest 0 with a reason"),
    Case("numpy_testing_patch", "numpy.testing.assert_allclose replaced by a no-op", CH0,
         _tamper("np.testing.assert_allclose = lambda *args, **kwargs: None\n", answer=ZEROS_NORMALIZE),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         notes=("numpy.testing.assert_allclose",),
         defence="watched library functions restored before each test; a note says so"),
    Case("code_object_swap", "assert_allclose's __code__ swapped for an empty function's", CH0,
         _tamper("np.testing.assert_allclose.__code__ = (lambda *args, **kwargs: None).__code__\n",
                 answer=ZEROS_NORMALIZE),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="code objects and defaults of watched functions restored"),
    Case("reference_patch", "the test's reference (scipy.stats.zscore) replaced by the learner's function", CH0,
         _tamper("import scipy.stats\nscipy.stats.zscore = lambda x, *args, **kwargs: normalize(x)\n",
                 answer=ZEROS_NORMALIZE),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="the tests' own helpers (references) restored"),
    Case("rebind_np", "the name np rebound to a fake numpy whose testing module never fails", CH0,
         _tamper("import types, numpy\n"
                 "fake = types.ModuleType('numpy')\nfake.__dict__.update(vars(numpy))\n"
                 "fake.testing = types.SimpleNamespace(assert_allclose=lambda *a, **k: None)\n"
                 "np = fake\n",
                 answer="import numpy\n"
                        "def normalize(x):\n    return numpy.zeros(numpy.shape(x), dtype=numpy.float64)\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="names the tests import are rebound to the real modules from the source's imports"),
    Case("sys_modules_swap", "sys.modules['numpy.testing'] and np.testing swapped for a fake module", CH0,
         _tamper("import sys, types\n"
                 "fake = types.ModuleType('numpy.testing')\nfake.assert_allclose = lambda *a, **k: None\n"
                 "sys.modules['numpy.testing'] = fake\nnp.testing = fake\n", answer=ZEROS_NORMALIZE),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="sys.modules entries and submodule attributes restored"),
    Case("always_equal_object", "an object equal to everything, with an ndarray-like surface", CH0,
         _answer("class Anything:\n"
                 "    shape = (4,)\n    dtype = np.float64\n"
                 "    def __eq__(self, other): return True\n"
                 "    def __array__(self, *a, **k): return np.zeros(4)\n"
                 "def normalize(x):\n    return Anything()\n"),
         expected=0, reasons={"test_normalize_type_shape": "numpy array"}, notes=("Anything",),
         defence="the tests' strict type checks (`type(out) is np.ndarray`); flagged for review"),
    Case("ndarray_subclass", "an ndarray subclass whose comparisons always succeed", CH0,
         _answer("class Agreeable(np.ndarray):\n"
                 "    def __array_ufunc__(self, *a, **k): return True\n"
                 "def normalize(x):\n    return np.zeros(np.shape(x)).view(Agreeable)\n"),
         expected=0, reasons={"test_normalize_type_shape": "subclass of ndarray"},
         defence="`type(out) is np.ndarray` rejects subclasses, and so does the grader's check of the values "
                 "a test holds; flagged for review"),
    Case("array_function_liar", "an ndarray subclass whose np.isclose says 'close', used only for the values test",
         CH0,
         _answer("class Liar(np.ndarray):\n"
                 "    def __array_function__(self, func, types, args, kwargs):\n"
                 "        if func is np.isclose:\n"
                 "            return np.ones(np.broadcast_shapes(np.shape(args[0]), np.shape(args[1])), dtype=bool)\n"
                 "        return super().__array_function__(func, types, args, kwargs)\n"
                 "    def mean(self, *args, **kwargs): return 0.0\n"
                 "    def std(self, *args, **kwargs): return 1.0\n"
                 "def normalize(x):\n"
                 "    x = np.asarray(x, dtype=np.float64)\n"
                 "    out = np.zeros(x.shape)\n"
                 "    return out if x.size in (4, 12) else out.view(Liar)\n"),
         expected=1, reasons={"test_normalize_values": "plain numbers and arrays only"}, notes=("Liar",),
         defence="during tests, numpy/torch/math comparison helpers refuse subclasses defined by learner code "
                 "(the values test has no type check of its own); flagged for review"),
    Case("thread_repatch", "a background thread re-applying the patch after every restore", CH0,
         _tamper("import threading, time\n"
                 "def keep_patching():\n"
                 "    while True:\n"
                 "        np.testing.assert_allclose = lambda *a, **k: None\n"
                 "        time.sleep(0.0005)\n"
                 "threading.Thread(target=keep_patching, daemon=True).start()\n", answer=ZEROS_NORMALIZE),
         expected=0, reasons={"test_normalize_type_shape": "tampering detected",
                              "test_normalize_values": "tampering detected"},
         defence="changes made while a test runs are detected after it: the test scores 0"),
    Case("patch_during_call", "the graded function patches assert_allclose when the test calls it", CH0,
         _answer("def normalize(x):\n"
                 "    np.testing.assert_allclose = lambda *a, **k: None\n"
                 "    return np.zeros(np.shape(x), dtype=np.float64)\n"),
         expected=0, reasons={"test_normalize_type_shape": "tampering detected",
                              "test_normalize_values": "tampering detected"},
         defence="detected after each test (a change while it ran): 0"),
    Case("settrace_skip", "a trace function that jumps the test's frame past its asserts", CH0,
         _answer("import sys\n"
                 "def normalize(x):\n"
                 "    frame = sys._getframe(1)\n"
                 "    def tracer(f, event, arg):\n"
                 "        if f is frame and event == 'line':\n"
                 "            try:\n                f.f_lineno = f.f_code.co_firstlineno + 1000\n"
                 "            except Exception:\n                pass\n"
                 "        return tracer\n"
                 "    frame.f_trace = tracer\n    sys.settrace(tracer)\n"
                 "    return np.zeros(np.shape(x), dtype=np.float64)\n"),
         expected=0, reasons={"test_normalize_values": "tampering detected"},
         defence="an active trace function after a test counts as tampering; flagged for review"),
    Case("injected_partial_credit", "the function publishes execute_result '2' (nbgrader's partial credit) then fails",
         CH0,
         _answer("def normalize(x):\n"
                 "    get_ipython().displayhook(2)\n"
                 "    return np.zeros(np.shape(x), dtype=np.float64)\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="only a test's own final expression can award partial credit"),
    Case("clear_output_thread", "a thread clearing every cell's output to hide test errors", CH0,
         _tamper("import threading, time\nfrom IPython.display import clear_output\n"
                 "def wipe():\n    while True:\n        clear_output()\n        time.sleep(0.001)\n"
                 "threading.Thread(target=wipe, daemon=True).start()\n", answer=ZEROS_NORMALIZE),
         expected=1, reasons={"test_normalize_values": ""},
         defence="the kernel's error reply is recorded even when the outputs are cleared"),
    Case("sys_exit_in_cell", "sys.exit() in a cell of its own (the cell errors, the tests still run)", CH0,
         lambda: add_cell(learner(CH0), "normalize", "import sys\nsys.exit('bye')\n"),
         expected=3, defence="SystemExit is an error in that cell only"),
    Case("sys_exit_in_function", "the graded function calls sys.exit()", CH0,
         _answer("import sys\ndef normalize(x):\n    sys.exit(0)\n"),
         expected=0, reasons={"test_normalize_type_shape": "SystemExit", "test_normalize_values": "SystemExit"},
         defence="each test errors with a reason; later tests still run"),
    Case("os_exit", "os._exit() in the second test: the kernel dies", CH0,
         _answer("import os\ndef normalize(x):\n"
                 "    x = np.asarray(x, dtype=np.float64)\n"
                 "    if x.size == 8:\n        os._exit(3)\n"
                 "    return (x - x.mean()) / x.std()\n"),
         expected=1, reasons={"test_normalize_values": "kernel died"},
         defence="completed scores kept; the rest 0 with a reason"),
    Case("segfault", "a segmentation fault (ctypes) in the second test", CH0,
         _answer("import ctypes\ndef normalize(x):\n"
                 "    x = np.asarray(x, dtype=np.float64)\n"
                 "    if x.size == 8:\n        ctypes.string_at(0)\n"
                 "    return (x - x.mean()) / x.std()\n"),
         expected=1, reasons={"test_normalize_values": "kernel died"}, notes=("ctypes",),
         defence="completed scores kept; the rest 0 with a reason"),
    Case("exit_builtin", "exit() in a cell after the answer: the kernel shuts itself down", CH0,
         lambda: add_cell(learner(CH0), "normalize", "exit()\n"),
         expected=0, reasons={"test_normalize_type_shape": "called exit()",
                              "test_normalize_values": "called exit()"},
         defence="the kernel's exit request is seen in the cell's reply: the rest scores 0 with a reason, every run"),
    Case("infinite_loop", "an endless loop in the graded function", CH0,
         _answer("def normalize(x):\n    while True:\n        pass\n"),
         expected=0, reasons={"test_normalize_type_shape": "timed out", "test_normalize_values": "timed out"},
         cell_timeout=6, defence="per-cell timeout; interrupted, later tests still run"),
    Case("uninterruptible_loop", "an endless loop that ignores Ctrl-C", CH0,
         _answer("import signal\ndef normalize(x):\n"
                 "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                 "    while True:\n        pass\n"),
         expected=0, reasons={"test_normalize_type_shape": "did not stop", "test_normalize_values": "not run"},
         cell_timeout=6, defence="kernel shut down after the timeout; the rest 0 with a reason"),
    Case("notebook_time_cap", "every cell just under the cell timeout, so the notebook runs for ever", CH0,
         lambda: add_cell(add_cell(add_cell(learner(CH0), "first", "import time\ntime.sleep(5)\n"),
                                   "first", "import time\ntime.sleep(5)\n"), "first", "import time\ntime.sleep(5)\n"),
         expected=0, reasons={"test_normalize_type_shape": "time limit"},
         cell_timeout=7, notebook_timeout=12, defence="per-notebook cap; remaining cells get a reason"),
    Case("huge_output", "50 MB printed in one cell and 200,000 lines during a test", CH0,
         lambda: add_cell(learner(CH0, {"normalize": "def normalize(x):\n"
                                        "    for i in range(200_000):\n        print(i)\n"
                                        + CORRECT_NORMALIZE.split("\n", 1)[1]}),
                          "first", "print('x' * 50_000_000)\n"),
         expected=3, defence="output capped while it arrives (with a notice), correct code keeps its marks"),
    Case("stderr_noise", "correct code that warns and writes to stderr and to fd 1 and 2 directly", CH0,
         _answer("import os, sys, warnings\n"
                 "def normalize(x):\n"
                 "    warnings.warn('just a warning')\n"
                 "    print('noise', file=sys.stderr)\n"
                 "    os.write(1, b'{\"score\": 99}\\n')\n    os.write(2, b'raw stderr\\n')\n"
                 "    x = np.asarray(x, dtype=np.float64)\n    return (x - x.mean()) / x.std()\n"),
         expected=3, defence="stderr is not failure; the kernel's own stdout and stderr go to /dev/null"),
    Case("grading_signal", "code that cheats only when it can tell it is being graded", CH0,
         _answer("import os, sys\n"
                 "GRADED = any(key.startswith(('NBGRADER', 'JPY_SESSION')) for key in os.environ)\n"
                 "def normalize(x):\n"
                 "    x = np.asarray(x, dtype=np.float64)\n"
                 "    if GRADED:\n        return x\n"
                 "    return (x - x.mean()) / x.std()\n"),
         expected=3, defence="no NBGRADER_* or session variables in the kernel's environment"),
    Case("retyped_test_cell", "a test cell turned into markdown", CH0,
         lambda: _retype(learner(CH0, {"normalize": ZEROS_NORMALIZE}), "test_normalize_values"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="cell type and source restored from the source (nbgrader OverwriteCells)"),
    Case("duplicated_test_cell", "a test cell duplicated, the copy moved above the answer and emptied", CH0,
         lambda: _duplicate(learner(CH0, {"normalize": ZEROS_NORMALIZE}), "test_normalize_values"),
         expected=1, reasons={"test_normalize_values": ""},
         defence="duplicate ids removed, locked source restored"),
    Case("forged_grade_cell", "an extra cell claiming to be a 100-point test that always passes", CH0,
         lambda: _forge(learner(CH0, {"normalize": ZEROS_NORMALIZE})),
         expected=1, defence="cells unknown to the gradebook are not graded; points come from the gradebook"),
    Case("gradebook_tamper", "an SQLite trigger in the throwaway gradebook giving full marks", CH0,
         _tamper("import sqlite3, glob, os\n"
                 "for path in glob.glob(os.path.join(os.getcwd(), '..', '..', '..', '*.db')):\n"
                 "    db = sqlite3.connect(path)\n"
                 "    db.execute('CREATE TRIGGER IF NOT EXISTS full AFTER UPDATE ON grade BEGIN '\n"
                 "               'UPDATE grade SET auto_score = (SELECT max_score FROM grade_cells '\n"
                 "               'WHERE grade_cells.id = NEW.cell_id) WHERE id = NEW.id AND auto_score < 99; END')\n"
                 "    db.commit()\n", answer=ZEROS_NORMALIZE),
         expected=1, notes=("databases",),
         defence="scores are computed from the executed notebook in the grader's memory, not read back"),
    Case("kernelspec_swap", "the notebook asks for another kernel", CH0,
         lambda: _kernelspec(learner(CH0)),
         expected=3, defence="the kernel command is the grader's own"),
    Case("hash_and_rng", "results that depend on hash() and on the global RNG state", CH0,
         _answer("import random\n"
                 "def normalize(x):\n"
                 "    x = np.asarray(x, dtype=np.float64)\n"
                 "    noise = (hash('dlcourse') % 7 + np.random.rand() + random.random()) * 1e-3\n"
                 "    return (x - x.mean()) / x.std() + (noise if x.size == 8 else 0.0)\n"),
         expected=1, reasons={"test_normalize_values": "AssertionError"},
         defence="fixed PYTHONHASHSEED and RNGs seeded before each test: the same score every run"),
    Case("torch_reference_patch", "torch.nn.functional.mse_loss replaced by the learner's loss", CH1,
         _tamper("import torch\n"
                 "torch.nn.functional.mse_loss = lambda a, b, **k: torch.tensor(mse_loss(a.numpy(), b.numpy()))\n",
                 answer=WRONG_MSE, chapter=CH1),
         expected=9, reasons={"test_mse_loss_values": "AssertionError"},
         defence="torch functions restored before each test"),
    Case("tensor_item_patch", "torch.Tensor.item patched at class level", CH1,
         _tamper("import torch\n"
                 "torch.Tensor.item = lambda self: 0.0\n",
                 answer="def mse_loss(y_pred, y):\n    return 0.0\n", chapter=CH1),
         expected=9, reasons={"test_mse_loss_values": "AssertionError"},
         defence="methods added to watched classes removed before each test"),
    Case("float_subclass", "mse_loss returns a float subclass whose arithmetic always says 'equal'", CH1,
         _answer("class Loss(float):\n"
                 "    def __sub__(self, other): return 0.0\n"
                 "    def __eq__(self, other): return True\n"
                 "    __hash__ = float.__hash__\n"
                 "def mse_loss(y_pred, y):\n    return Loss(42.0)\n", chapter=CH1, grade_id="mse_loss"),
         expected=9, reasons={"test_mse_loss_values": "subclass of float"}, notes=("Loss",),
         defence="values a test assigns (`loss = mse_loss(...)`) are checked after it: a learner-defined "
                 "subclass of float/int/str/ndarray/Tensor scores 0 (the test's isinstance check lets it "
                 "through); flagged for review"),
]


IN_PROCESS.append(
    Case("startup_files", "an IPython startup file (in the learner's own IPYTHONDIR) patching numpy.testing", CH0,
         _answer(ZEROS_NORMALIZE), expected=1, reasons={"test_normalize_values": "AssertionError"},
         env={"IPYTHONDIR": "{tmp}/ipython"},
         files={"ipython/profile_default/startup/00-cheat.py":
                "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"},
         defence="the grading kernel gets a fresh IPYTHONDIR: no startup files, no profile config"))


def _retype(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    for cell in cells_with(notebook, grade_id):
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        cell.metadata["nbgrader"]["cell_type"] = "markdown"
    return nbformat.from_dict(json.loads(json.dumps(notebook)))


def _duplicate(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    original = cells_with(notebook, grade_id)[0]
    copy_cell = copy.deepcopy(original)
    copy_cell["id"] = "copy-of-test"
    copy_cell.source = "pass"
    index = next(i for i, c in enumerate(notebook.cells) if _meta(c).get("grade_id") == "normalize")
    notebook.cells.insert(index, copy_cell)
    return notebook


def _forge(notebook: NotebookNode) -> NotebookNode:
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "locked": True, "points": 100,
                                 "schema_version": 3, "solution": False, "task": False}
    notebook.cells.insert(len(notebook.cells) - 1, cell)
    return notebook


def _kernelspec(notebook: NotebookNode) -> NotebookNode:
    notebook.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    return notebook
