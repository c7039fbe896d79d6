"""What the kernel guard needs to know about a chapter, read from its source notebook.

Which names the tests import and from where (``np`` is ``numpy``), which
modules those names reach, which names a cell defines or assigns. All of it
comes from parsing cells, never from running them.
"""
from __future__ import annotations

import ast

from nbformat import NotebookNode

from grader.cells import is_solution, is_test

# Packages whose functions and classes the tests trust; learner patches to them are undone.
WATCHED_PACKAGES = (
    "builtins", "math", "cmath", "operator", "functools", "itertools", "collections", "copy", "numbers",
    "random", "types", "abc", "unittest", "numpy", "scipy", "torch", "sklearn", "dlcourse",
    "IPython", "ipykernel", "jupyter_client", "zmq", "traitlets", "comm",
)


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


def called_names(source: str) -> list[str]:
    """Plain names a cell calls, in order of first call (``mse_loss(...)`` gives ``mse_loss``)."""
    tree = _parse(source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)] if tree else []
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    names: list[str] = []
    for node in calls:
        if isinstance(node.func, ast.Name) and node.func.id not in names:
            names.append(node.func.id)
    return names


def _import_bindings(source: NotebookNode) -> dict[str, tuple[str, str | None]]:
    """name -> (module, attribute or None) for every import outside solution cells."""
    bindings: dict[str, tuple[str, str | None]] = {}
    for cell in source.cells:
        if cell.cell_type != "code" or is_solution(cell):
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
    return bindings


def _attribute_chain(node: ast.Attribute) -> tuple[ast.AST, list[str]]:
    parts = []
    inner: ast.AST = node
    while isinstance(inner, ast.Attribute):
        parts.append(inner.attr)
        inner = inner.value
    parts.reverse()
    return inner, parts


def guard_spec(source: NotebookNode) -> dict:
    """From the chapter's *source* notebook: which names the tests import, and from where.

    The imports cell is editable by the learner, so bindings come from the
    source, never from the submission.
    """
    bindings = _import_bindings(source)
    used: set[str] = set()
    chains: set[str] = set()
    for cell in source.cells:
        if not is_test(cell):
            continue
        tree = _parse(cell.source)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                inner, parts = _attribute_chain(node)
                if isinstance(inner, ast.Name) and inner.id in bindings:
                    module, attribute = bindings[inner.id]
                    base = f"{module}.{attribute}" if attribute else module
                    for depth in range(1, len(parts) + 1):
                        chains.add(".".join([base] + parts[:depth]))
    test_bindings = {name: bindings[name] for name in sorted(used) if name in bindings}
    preload = sorted({module if attribute is None else f"{module}.{attribute}"
                      for module, attribute in test_bindings.values()}
                     | {module for module, _ in test_bindings.values()} | chains)
    packages = set(WATCHED_PACKAGES) | {module.split(".")[0] for module, _ in test_bindings.values()}
    return {"bindings": test_bindings, "preload": preload, "watched_packages": sorted(packages)}
