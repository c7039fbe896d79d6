"""Flag learner code that reaches into the machinery grading it.

Test cells run in the learner's own process, so a determined learner can get
past any check made there (see grader/kernel_guard.py). Every such trick needs
one of a small set of tools: ctypes or gc to reach the grader's objects, frame
inspection to read or rewrite a running test, IPython's internals, builtins,
patches to a library, threads, code built from strings. None of them is needed
to answer an exercise in this course, so their presence is a note for a human
to look at, never a penalty: the grade stands and the note says where to look.
"""
from __future__ import annotations

import ast

from nbformat import NotebookNode

from grader.cells import grade_id, is_locked_code

_MODULES = {
    "ctypes": "ctypes (writes memory directly)",
    "gc": "gc (finds the grader's objects)",
    "inspect": "inspect (reads running frames and source)",
    "linecache": "linecache (reads other cells' source)",
    "builtins": "builtins (changes built-in functions)",
    "importlib": "importlib (imports built at run time)",
    "IPython": "IPython internals (changes how cells run)",
    "ipykernel": "ipykernel internals (changes how cells run)",
    "threading": "threads (code that runs during the tests)",
    "_thread": "threads (code that runs during the tests)",
    "multiprocessing": "child processes",
    "subprocess": "child processes",
    "signal": "signal handlers",
    "atexit": "exit handlers",
    "socket": "the network",
    "sqlite3": "databases (the gradebook is one)",
    "unittest": "unittest.mock (patches functions)",
}
_CALLS = {
    "exec": "exec (code built from strings)",
    "eval": "eval (code built from strings)",
    "compile": "compile (code built from strings)",
    "__import__": "__import__ (imports built at run time)",
    "get_ipython": "get_ipython (changes how cells run)",
    "setattr": "setattr (patches objects by name)",
    "delattr": "delattr (removes attributes by name)",
    "globals": "globals() (rewrites the notebook's names)",
    "vars": "vars() (rewrites objects' attributes)",
}
_ATTRIBUTES = {
    "_getframe": "sys._getframe (reads or changes the running test)",
    "f_back": "frame objects (reads or changes the running test)",
    "f_locals": "frame objects (reads or changes the running test)",
    "f_globals": "frame objects (reads or changes the running test)",
    "f_lineno": "frame objects (jumps over a test's lines)",
    "f_trace": "trace functions (jumps over a test's lines)",
    "settrace": "trace functions (jumps over a test's lines)",
    "setprofile": "profile hooks",
    "modules": None,  # only sys.modules, checked below
    "meta_path": "import hooks",
    "__code__": "code objects (swaps a function's body)",
    "__closure__": "closures of other functions",
    "__globals__": "other functions' globals",
    "__builtins__": "builtins (changes built-in functions)",
    "__class__": "changing an object's class",
    "_exit": "os._exit (kills the kernel)",
    "kill": "os.kill (signals processes)",
    "fork": "os.fork (child processes)",
    "system": "os.system (runs programs)",
}
_HISTORY_NAMES = {"In", "Out", "_ih", "_oh", "_i", "_ii", "_iii", "__builtins__", "__builtin__"}
_ALWAYS_EQUAL_METHODS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__array__",
                         "__array_ufunc__", "__array_function__", "__instancecheck__", "__subclasscheck__",
                         "__torch_function__"}
_NUMBER_BASES = {"float", "int", "complex", "ndarray", "float64", "float32", "Tensor", "list", "tuple", "str"}


def _learner_code(notebook: NotebookNode) -> list[tuple[str, str]]:
    """(label, python source) of every code cell a learner can edit."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        to_python = TransformerManager().transform_cell
    except Exception:  # pragma: no cover - IPython is a dependency
        def to_python(source):
            return source
    cells = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or is_locked_code(cell):
            continue
        label = f"cell {grade_id(cell)!r}" if grade_id(cell) else f"cell {index}"
        try:
            cells.append((label, to_python(cell.source)))
        except Exception:
            cells.append((label, cell.source))
    return cells


def suspicious_constructs(notebook: NotebookNode) -> list[tuple[str, str]]:
    """(cell label, what it uses) for each construct worth a human's look, in notebook order."""
    found: list[tuple[str, str]] = []

    def add(label: str, what: str) -> None:
        if (label, what) not in found:
            found.append((label, what))

    trees = []
    for label, source in _learner_code(notebook):
        try:
            trees.append((label, ast.parse(source)))
        except SyntaxError:
            continue
    imported_modules = {alias.asname or alias.name.split(".")[0]
                        for _, tree in trees for node in ast.walk(tree)
                        if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    for label, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    root = name.split(".")[0]
                    if root in _MODULES:
                        add(label, _MODULES[root])
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS:
                add(label, _CALLS[node.func.id])
            elif isinstance(node, ast.Attribute):
                if node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys":
                    add(label, "sys.modules (swaps whole libraries)")
                elif _ATTRIBUTES.get(node.attr):
                    add(label, _ATTRIBUTES[node.attr])
            elif isinstance(node, ast.Name) and node.id in _HISTORY_NAMES:
                add(label, f"{node.id} (other cells' source or the builtins)")
            elif isinstance(node, ast.ClassDef):
                methods = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
                methods |= {target.id for item in node.body if isinstance(item, ast.Assign)
                            for target in item.targets if isinstance(target, ast.Name)}
                bases = {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                         for base in node.bases}
                if methods & _ALWAYS_EQUAL_METHODS:
                    add(label, f"class {node.name} redefines {', '.join(sorted(methods & _ALWAYS_EQUAL_METHODS))} "
                               "(objects that compare equal to anything)")
                elif bases & _NUMBER_BASES:
                    add(label, f"class {node.name} subclasses {', '.join(sorted(bases & _NUMBER_BASES))} "
                               "(values that pass type checks but behave differently)")
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    root = target
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    if isinstance(target, ast.Attribute) and isinstance(root, ast.Name) \
                            and root.id in imported_modules:
                        add(label, f"assigns to {ast.unparse(target)} (patches a library)")
    return found


def review_notes(notebook: NotebookNode, limit: int = 5) -> list[str]:
    found = suspicious_constructs(notebook)
    notes = [f"for review: {label} uses {what}" for label, what in found[:limit]]
    if len(found) > limit:
        notes.append(f"for review: {len(found) - limit} more construct(s) of the same kind")
    return notes
