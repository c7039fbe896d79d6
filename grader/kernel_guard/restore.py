"""Comparing the kernel with the guard's snapshot, and putting it back.

``differences(snapshot, restore)`` lists everything a learner could have
changed that decides a test's verdict (builtins, watched modules and classes,
function code, import hooks, trace functions, the IPython machinery) and, when
``restore`` is true, puts each back. The other helpers rebind the names the
tests import, swap the event callbacks around a test and reset the random
generators and numeric settings.
"""

import builtins as _builtins_module
import random as _random
import sys as _sys
import threading as _threading

if __name__ != "_grader":  # imported as a module (tests); in the kernel all guard files share one namespace
    from grader.kernel_guard.ipython_private import EVENTS, KERNEL_SWAPPED_BUILTINS, SHELL_METHODS
    from grader.kernel_guard.snapshot import _MISSING, _is_behaviour


def _same_items(current, saved):
    """Identity, not ==: a learner's object may define __eq__ to always say yes."""
    return type(current) is list and len(current) == len(saved) and all(a is b for a, b in zip(current, saved))


def _same_value(current, saved):
    return type(current) is type(saved) and (current is saved or current == saved)


def _put(target, key, value):
    try:
        if value is _MISSING:
            delattr(target, key)
        else:
            setattr(target, key, value)
    except Exception:
        pass  # e.g. an Enum refuses; verify() still reports the change


def differences(snapshot, restore):
    """Labels of everything that differs from the snapshot; put back when ``restore``.

    Only changes that could change a test's verdict are listed; other hooks
    (``sys.stdout`` and the like) are put back without a word.
    """
    changed = []

    def note(label):
        if len(changed) < 20:
            changed.append(label)

    _builtins_differences(snapshot, note, restore)
    _module_differences(snapshot, note, restore)
    _class_differences(snapshot, note, restore)
    for function, state in snapshot.functions.values():
        code, defaults, kwdefaults = state
        if function.__code__ is not code or function.__defaults__ is not defaults \
                or function.__kwdefaults__ is not kwdefaults:
            note(f"{function.__module__}.{function.__qualname__}.__code__")
            if restore:
                try:
                    function.__code__, function.__defaults__, function.__kwdefaults__ = state
                except Exception:
                    pass
    if not _same_items(_sys.meta_path, snapshot.meta_path) or not _same_items(_sys.path_hooks, snapshot.path_hooks):
        note("sys.meta_path")
        if restore:
            _sys.meta_path[:] = snapshot.meta_path
            _sys.path_hooks[:] = snapshot.path_hooks
    if _sys.gettrace() is not None or _sys.getprofile() is not None:
        note("sys.settrace")
    if snapshot.shell is not None:
        _ipython_differences(snapshot, note, restore)
    if restore:
        _sys.settrace(None)
        _sys.setprofile(None)
        _threading.settrace(None)
        _threading.setprofile(None)
        for name, value in snapshot.sys_hooks.items():
            _put(_sys, name, value)
    return changed


def _builtins_differences(snapshot, note, restore):
    builtins_now = vars(_builtins_module)
    for key, value in snapshot.builtins.items():
        if key in KERNEL_SWAPPED_BUILTINS:
            continue
        if builtins_now.get(key, _MISSING) is not value:
            note(f"builtins.{key}")
            if restore:
                builtins_now[key] = value


def _module_differences(snapshot, note, restore):
    for name, module in snapshot.modules.items():
        if _sys.modules.get(name) is not module:
            note(f"sys.modules[{name!r}]")
            if restore:
                _sys.modules[name] = module
        current = vars(module)
        entries = snapshot.module_dicts[name]
        for key, value in list(entries.items()):
            now = current.get(key, _MISSING)
            if now is value:
                continue
            if snapshot.library_update(value, now):
                entries[key] = now  # the library itself wrapped it (torch does, lazily)
                continue
            note(f"{name}.{key}")
            if restore:
                current[key] = value


def _class_differences(snapshot, note, restore):
    for klass, entries in snapshot.class_dicts.values():
        current = vars(klass)
        for key, value in list(entries.items()):
            now = current.get(key, _MISSING)
            if now is value:
                continue
            if snapshot.library_update(value, now):
                entries[key] = now
                continue
            note(f"{klass.__module__}.{klass.__qualname__}.{key}")
            if restore:
                _put(klass, key, value)
        # New keys, and keys that held plain data at the snapshot (a method put in their place).
        known = snapshot.class_keys[id(klass)]
        candidates = (current.keys() - known) | snapshot.class_plain_keys[id(klass)]
        added = [key for key in candidates if key in current and key not in entries
                 and not key.startswith("_abc_") and _is_behaviour(current[key])]
        for key in added:
            if snapshot.library_made(current[key]):
                entries[key] = current[key]  # e.g. methods a library attaches on first use
                known.add(key)
                continue
            note(f"{klass.__module__}.{klass.__qualname__}.{key}")
            if restore:
                _put(klass, key, _MISSING)


def _ipython_differences(snapshot, note, restore):
    shell = snapshot.shell
    for obj, saved in snapshot.instance_dicts.values():
        current = vars(obj)
        keys = set(SHELL_METHODS) | {key for key in current if callable(getattr(type(obj), key, None))}
        for key in sorted(keys):
            before, now = saved.get(key, _MISSING), current.get(key, _MISSING)
            if before is not now:
                note(f"{type(obj).__name__}.{key}")
                if restore:
                    if before is _MISSING:
                        current.pop(key, None)
                    else:
                        current[key] = before
    for owner, name, items in snapshot.transformer_lists:
        current = getattr(owner, name, None)
        if not _same_items(current, items):
            note(f"{type(owner).__name__}.{name}")
            if restore:
                if type(current) is list:
                    current[:] = items
                else:
                    _put(owner, name, list(items))
    for name, value in snapshot.traits.items():
        if not _same_value(getattr(shell, name, _MISSING), value):
            note(f"shell.{name}")
            if restore:
                _put(shell, name, value)
    if not _same_value(shell.compile.flags, snapshot.compile_flags):
        note("shell.compile.flags")
        if restore:
            shell.compile.flags = snapshot.compile_flags


def suspend_callbacks(snapshot):
    """Run a test with only the event callbacks that existed before learner code."""
    callbacks = snapshot.shell.events.callbacks
    snapshot.learner_callbacks = {event: list(callbacks.get(event, [])) for event in EVENTS}
    for event in EVENTS:
        callbacks[event] = list(snapshot.callbacks[event])


def resume_callbacks(snapshot):
    """Give learner callbacks back after a test; True if the test's own set was changed."""
    callbacks = snapshot.shell.events.callbacks
    changed = not all(_same_items(callbacks.get(event, []), snapshot.callbacks[event]) for event in EVENTS)
    if snapshot.learner_callbacks is not None:
        for event in EVENTS:
            callbacks[event] = snapshot.learner_callbacks[event]
        snapshot.learner_callbacks = None
    return changed


def rebind(snapshot, restore, exclude=()):
    """Names the tests rely on (imports, locked helpers) that no longer hold their object."""
    changed = []
    namespace = snapshot.user_namespace()
    for name, value in list(snapshot.protected.items()) + list(snapshot.bindings.items()):
        if name in exclude:
            continue
        if namespace.get(name, _MISSING) is not value:
            changed.append(name)
            if restore:
                namespace[name] = value
    return changed


def reset_numerics(snapshot, seed):
    _random.seed(seed)
    numpy = snapshot.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed)
        numpy.seterr(**snapshot.numpy_err)
    torch = _sys.modules.get("torch")
    if torch is not None and torch is snapshot.modules.get("torch"):
        torch.manual_seed(seed)
        torch.set_default_dtype(snapshot.torch_dtype)
        torch.set_grad_enabled(True)
