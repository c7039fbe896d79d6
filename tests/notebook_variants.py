"""Learner notebooks built from a chapter's release and solution, for grading tests."""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.paths import chapter_notebook, solution_notebook

# Chapters with a single graded function get a hand-written half answer:
# solution cell id -> body that passes the shape test but not the values.
HALF_ANSWERS = {
    "00_start_here": {
        "normalize": (
            'def normalize(x):\n'
            '    """Only centred, not scaled: half of the job."""\n'
            '    x = np.asarray(x, dtype=np.float64)\n'
            '    return x - x.mean()\n'
        ),
    },
}
HALF_ANSWER_PASSES = {"00_start_here": {"test_normalize_type_shape"}}

# A learner who finished step 1 of chapter 02's Value (every operator's forward value, no _backward,
# backward() and the functions still stubs) earns exactly the forward test's points.
FORWARD_ONLY_VALUE = '''\
class Value:
    """Step 1 only: every operator's forward value, no _backward yet; backward() and the functions still to do."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._children = tuple(_children)
        self._op = _op
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*")

    def __pow__(self, exponent):
        return Value(self.data ** exponent, (self,), f"**{exponent:g}")

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1

    def tanh(self):
        # YOUR CODE HERE
        raise NotImplementedError()

    def relu(self):
        # YOUR CODE HERE
        raise NotImplementedError()

    def exp(self):
        # YOUR CODE HERE
        raise NotImplementedError()

    def log(self):
        # YOUR CODE HERE
        raise NotImplementedError()

    def backward(self):
        # YOUR CODE HERE
        raise NotImplementedError()
'''

# Answers that the half-done copy fills with a hand-written partial answer instead of the solution:
# chapter -> solution cell id -> (body, the tests of that cell it must pass).
PARTIAL_ANSWERS = {
    "02_backpropagation": {"Value": (FORWARD_ONLY_VALUE, {"test_Value_forward"})},
}


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_cell_ids(notebook: NotebookNode) -> list[str]:
    """grade_ids of the code cells a learner fills in, in notebook order."""
    return [nbgrader_meta(cell)["grade_id"] for cell in notebook.cells
            if cell.cell_type == "code" and nbgrader_meta(cell).get("solution")
            and not nbgrader_meta(cell).get("grade")]


def grade_cell_ids(notebook: NotebookNode) -> list[str]:
    return [nbgrader_meta(cell)["grade_id"] for cell in notebook.cells
            if nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("solution")]


def read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def half_done(chapter: str) -> tuple[NotebookNode, set[str]]:
    """The release with the first half of its answers filled in; and the tests that must pass."""
    release = read(chapter_notebook(chapter))
    solution = read(solution_notebook(chapter))
    solution_sources = {nbgrader_meta(cell).get("grade_id"): cell.source for cell in solution.cells}
    learner = copy.deepcopy(release)
    if chapter in HALF_ANSWERS:
        answers = HALF_ANSWERS[chapter]
        expected = HALF_ANSWER_PASSES[chapter]
    else:
        ids = answer_cell_ids(release)
        filled = ids[: len(ids) // 2]
        answers = {grade_id: solution_sources[grade_id] for grade_id in filled}
        expected = {test for test in grade_cell_ids(solution)
                    if any(test.startswith(f"test_{grade_id}_") for grade_id in filled)}
        for grade_id, (body, passes) in PARTIAL_ANSWERS.get(chapter, {}).items():
            if grade_id in answers:
                answers[grade_id] = body
                expected = {test for test in expected if not test.startswith(f"test_{grade_id}_")} | passes
    for cell in learner.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return learner, expected
