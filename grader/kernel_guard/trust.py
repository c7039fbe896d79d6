"""Values a test may trust: plain numbers and arrays, not learner classes that pretend to be them.

During a test the comparison helpers (``numpy.testing``, ``np.allclose``,
``torch.allclose``, ``math.isclose``, ...) are wrapped so that they refuse
values of classes the learner defined that subclass a number, string, array
or tensor, or hijack numpy's or torch's dispatch.
"""

import sys as _sys

# Comparison helpers the tests use; during a test they refuse values that only
# pretend to be numbers or arrays.
_COMPARATORS = {
    "numpy.testing": ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal",
                      "assert_almost_equal", "assert_array_less", "assert_array_max_ulp"),
    "numpy": ("allclose", "isclose", "array_equal", "array_equiv"),
    "torch": ("allclose", "isclose", "equal"),
    "torch.testing": ("assert_close",),
    "math": ("isclose",),
}
_PLAIN_TYPES = (bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset, type(None), slice, range)


class Trust:
    """Which classes existed before learner code, and strict versions of the comparison helpers."""

    def __init__(self, snapshot):
        self._snapshot = snapshot
        # Every class that existed in a watched module before learner code ran, by identity
        # (a learner's class can claim any __module__ it likes).
        self._trusted = {id(t) for t in _PLAIN_TYPES}
        for entries in snapshot.module_dicts.values():
            self._trusted.update(id(value) for value in entries.values() if isinstance(value, type))
        self._trusted.update(snapshot.class_dicts)
        bases = [float, int, complex, str, bytes]
        numpy = snapshot.modules.get("numpy")
        if numpy is not None:
            bases += [numpy.ndarray, numpy.generic]
        torch = snapshot.modules.get("torch")
        if torch is not None:
            bases.append(torch.Tensor)
        self._suspect_bases = tuple(bases)
        self._wrappers = {}
        for module_name, names in _COMPARATORS.items():
            entries = snapshot.module_dicts.get(module_name, {})
            for name in names:
                if name in entries:
                    self._wrappers[(module_name, name)] = (entries[name], self._strict(entries[name]))

    def _library_class(self, kind):
        """A class defined in an installed module (pandas, sklearn, ...), where it claims to be.

        Classes defined in notebook cells belong to __main__; one that claims
        another module must also be found there under its own name.
        """
        if id(kind) in self._trusted:
            return True
        module = _sys.modules.get(getattr(kind, "__module__", None) or "__main__")
        if module is None or module.__name__ == "__main__" or not getattr(module, "__file__", None):
            return False
        target = module
        for part in getattr(kind, "__qualname__", "").split("."):
            target = getattr(target, part, None)
        return target is kind

    def untrusted(self, value):
        """Why a value is not a plain number or array (None if it is)."""
        kind = type(value)
        if self._library_class(kind):
            return None
        for base in self._suspect_bases:
            if isinstance(value, base):
                return f"{kind.__name__} (a subclass of {base.__name__} defined in your code)"
        for hook in ("__array_function__", "__array_ufunc__", "__torch_function__"):
            if any(hook in vars(k) for k in kind.__mro__[:-1] if not self._library_class(k)):
                return f"{kind.__name__} (it overrides {hook})"
        return None

    def suspects(self, values):
        found = []
        for value in values:
            items = [value]
            if type(value) in (list, tuple, dict) or isinstance(value, (list, tuple)):
                items += list(value.values() if isinstance(value, dict) else value)[:50]
            for item in items:
                why = self.untrusted(item)
                if why and why not in found:
                    found.append(why)
        return found

    def _strict(self, original):
        trust = self

        def strict(*args, **kwargs):
            suspects = trust.suspects(list(args) + list(kwargs.values()))
            if suspects:
                raise AssertionError(f"the tests accept plain numbers and arrays only, not {suspects[0]}")
            return original(*args, **kwargs)

        return strict

    def install_wrappers(self, install):
        for (module_name, name), (original, wrapper) in self._wrappers.items():
            namespace = vars(self._snapshot.modules[module_name])
            if install:
                namespace[name] = wrapper
            elif namespace.get(name) is wrapper:
                namespace[name] = original
