"""The guard's snapshot: what the kernel looks like before any learner code runs.

Built once by ``install``: the ``sys.modules`` entries of watched packages,
every function, class and submodule in their module dictionaries, every
attribute of the (mutable) classes they define, the code objects and defaults
of their functions, ``builtins``, a few ``sys`` hooks, and the IPython
machinery a cell goes through (see ``ipython_private``). ``restore`` compares
the kernel with it and puts it back.
"""

import builtins as _builtins_module
import functools as _functools
import importlib as _importlib
import os as _os
import signal as _signal
import sys as _sys
import sysconfig as _sysconfig
import types as _types

if __name__ != "_grader":  # imported as a module (tests); in the kernel all guard files share one namespace
    from grader.kernel_guard.ipython_private import EVENTS, SHELL_TRAITS, TRANSFORMER_LISTS, machinery_objects  # noqa: F401


class _Missing:
    def __repr__(self):
        return "<missing>"


_MISSING = _Missing()
_FUNCTION_TYPES = (_types.FunctionType,)
_BEHAVIOUR_TYPES = (
    _types.FunctionType, _types.BuiltinFunctionType, _types.MethodType, _types.ModuleType,
    type, staticmethod, classmethod, property, _types.MethodDescriptorType,
    _types.WrapperDescriptorType, _types.GetSetDescriptorType, _types.MemberDescriptorType,
)


def _is_behaviour(value):
    return isinstance(value, _BEHAVIOUR_TYPES) or callable(value)


def _mutable_class(value):
    # Classes implemented in C (numpy.ndarray, float, ...) cannot be patched.
    return isinstance(value, type) and not (value.__flags__ & (1 << 8))  # Py_TPFLAGS_IMMUTABLETYPE


def _function_state(function):
    return (function.__code__, function.__defaults__, function.__kwdefaults__)


def _library_roots():
    """Where installed code lives: the Python installation and the import path, but not the
    working folder, where a learner could write a module of their own."""
    paths = _sysconfig.get_paths()
    cwd = _os.path.realpath(_os.getcwd())
    roots = [paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths]
    roots += [entry for entry in _sys.path if entry and _os.path.isdir(entry)
              and not _os.path.realpath(entry).startswith(cwd)]
    return tuple(sorted({variant.rstrip(_os.sep) + _os.sep for root in roots
                         for variant in (root, _os.path.realpath(root))}))


class _Snapshot:
    def __init__(self, spec):
        self.packages = frozenset(spec["watched_packages"])  # top-level package names
        self.library_roots = _library_roots()
        for name in spec["preload"]:
            try:
                _importlib.import_module(name)
            except Exception:
                pass  # a name the tests use that is an attribute, not a module
        self.modules = {}  # name -> module object
        self.module_dicts = {}  # name -> {key: value} (behavioural values only)
        self.class_dicts = {}  # id(class) -> (class, {key: value})
        self.class_keys = {}  # id(class) -> every key its dictionary had (to spot additions quickly)
        self.class_plain_keys = {}  # id(class) -> the keys that held plain data, not behaviour
        self.functions = {}  # id(function) -> (function, state)
        for name, module in list(_sys.modules.items()):
            if isinstance(module, _types.ModuleType) and self.watched(name) and name != "builtins":
                self.modules[name] = module
                self.module_dicts[name] = {key: value for key, value in vars(module).items()
                                           if _is_behaviour(value)}
        for entries in self.module_dicts.values():
            for value in entries.values():
                self._remember(value, depth=0)
        self.builtins = dict(vars(_builtins_module))
        self.sys_hooks = {name: getattr(_sys, name) for name in ("displayhook", "excepthook", "stdout", "stderr",
                                                                 "breakpointhook", "unraisablehook")}
        self.meta_path = list(_sys.meta_path)
        self.path_hooks = list(_sys.path_hooks)
        self.cwd = _os.getcwd()
        self.sigint = _signal.getsignal(_signal.SIGINT)
        self.bindings = {}
        for name, (module_name, attribute) in spec["bindings"].items():
            module = self.modules.get(module_name) or _sys.modules.get(module_name)
            if module is None:
                continue
            if attribute is None:
                self.bindings[name] = module
            elif hasattr(module, attribute):
                self.bindings[name] = getattr(module, attribute)
        self.protected = {}  # names defined by locked cells (test helpers), recorded after they run
        self._snapshot_ipython()
        numpy, torch = self.modules.get("numpy"), self.modules.get("torch")
        self.numpy_err = numpy.geterr() if numpy is not None else None
        self.torch_dtype = torch.get_default_dtype() if torch is not None else None

    def watched(self, name):
        return name.partition(".")[0] in self.packages

    def _remember(self, value, depth):
        if isinstance(value, _FUNCTION_TYPES):
            self.functions.setdefault(id(value), (value, _function_state(value)))
        elif _mutable_class(value) and id(value) not in self.class_dicts \
                and self.watched(getattr(value, "__module__", "") or ""):
            entries = {key: item for key, item in vars(value).items() if _is_behaviour(item)}
            self.class_dicts[id(value)] = (value, entries)
            self.class_keys[id(value)] = set(vars(value))
            self.class_plain_keys[id(value)] = frozenset(vars(value).keys() - entries.keys())
            if depth < 2:
                for item in entries.values():
                    target = item.__func__ if isinstance(item, (staticmethod, classmethod)) else item
                    if isinstance(target, property):
                        for accessor in (target.fget, target.fset, target.fdel):
                            if accessor is not None:
                                self._remember(accessor, depth + 1)
                    else:
                        self._remember(target, depth + 1)

    def _snapshot_ipython(self):
        self.shell = None
        try:
            from IPython import get_ipython
        except Exception:
            return
        shell = get_ipython()
        if shell is None:
            return
        self.shell = shell
        self.kernel, self.objects = machinery_objects(shell)
        self.instance_dicts = {id(obj): (obj, dict(vars(obj))) for obj in self.objects if hasattr(obj, "__dict__")}
        for obj in self.objects:
            for klass in type(obj).__mro__:
                self._remember(klass, depth=0)
        owners = {"shell": shell, "manager": shell.input_transformer_manager}
        self.transformer_lists = [(owners[owner], name, list(getattr(owners[owner], name)))
                                  for owner, name in TRANSFORMER_LISTS
                                  if isinstance(getattr(owners[owner], name, None), list)]
        self.traits = {name: getattr(shell, name) for name in SHELL_TRAITS if hasattr(shell, name)}
        self.custom = (shell.custom_exceptions, shell.CustomTB)
        self.compile_flags = shell.compile.flags
        self.callbacks = {event: list(shell.events.callbacks.get(event, [])) for event in EVENTS}
        self.learner_callbacks = None

    # -- what counts as a library's own change ---------------------------------------------------------

    def library_made(self, value, depth=0):
        """Made by installed code (a file under the Python installation), not by a notebook cell."""
        if depth > 4:
            return False
        if isinstance(value, _functools.partial):
            return self.library_made(value.func, depth + 1)
        if isinstance(value, property):
            return all(self.library_made(f, depth + 1) for f in (value.fget, value.fset, value.fdel)
                       if f is not None)
        if isinstance(value, (staticmethod, classmethod)):
            return self.library_made(value.__func__, depth + 1)
        code = getattr(value, "__code__", None)
        if isinstance(code, _types.CodeType):
            filename = code.co_filename
            return filename.startswith(self.library_roots) and _os.path.isfile(filename)
        if isinstance(value, type):
            return value.__module__ not in ("__main__", None) and id(value) in self.class_dicts
        if isinstance(value, (_types.BuiltinFunctionType, _types.MethodDescriptorType,
                              _types.WrapperDescriptorType)):
            owner = getattr(value, "__self__", None)
            return owner is None or isinstance(owner, _types.ModuleType)
        return False

    def library_update(self, old, new):
        """A library replacing its own attribute: a wrapper of the old value, or a new property."""
        if new is _MISSING or not self.library_made(new):
            return False
        if isinstance(new, property):
            return True
        inner = new
        for _ in range(5):
            inner = getattr(inner, "__wrapped__", None)
            if inner is None:
                return False
            if inner is old:
                return True
        return False

    def user_namespace(self):
        return self.shell.user_ns if self.shell is not None else _sys.modules["__main__"].__dict__
