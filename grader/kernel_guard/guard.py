"""The object the grader calls between cells, and how its results reach the grader.

``install(spec)`` snapshots the kernel (``snapshot``) and stores a ``Guard``
under a key only the grader knows. Before each test cell the grader calls
``checkpoint``: everything is put back (``restore``), the names the tests
import are rebound to the real modules, the random generators are seeded per
test and the comparison helpers turn strict (``trust``). After the test,
``verify`` reports anything that changed *while the test ran* and any
untrusted value the test holds; ``record`` remembers the helpers a locked cell
defined.

Each call publishes its result as ``display_data`` of the mime type
``RESULT_MIME``, carrying the grader's nonce, through the display publisher
saved at install (and just restored): a kernel whose execution path was
rewritten to skip cells or fake output is noticed by the grader because the
result with that nonce never arrives.
"""

import json as _json
import os as _os
import signal as _signal
import zlib as _zlib

if __name__ != "_grader":  # imported as a module (tests); in the kernel all guard files share one namespace
    from grader.kernel_guard.restore import differences, rebind, reset_numerics, resume_callbacks, suspend_callbacks
    from grader.kernel_guard.snapshot import _Snapshot
    from grader.kernel_guard.trust import Trust

RESULT_MIME = "application/vnd.dlcourse.grader-result+json"


class Guard:
    """Snapshot once; checkpoint before each test, verify after it."""

    def __init__(self, spec):
        self.snapshot = _Snapshot(spec)
        self.trust = Trust(self.snapshot)
        shell = self.snapshot.shell
        self._publish = shell.display_pub.publish if shell is not None else None

    def checkpoint(self, grade_id):
        snapshot = self.snapshot
        _signal.signal(_signal.SIGINT, snapshot.sigint)
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        restored = differences(snapshot, restore=True)
        restored += rebind(snapshot, restore=True)
        if snapshot.shell is not None:
            suspend_callbacks(snapshot)
        try:
            _os.chdir(snapshot.cwd)
        except OSError:
            pass
        reset_numerics(snapshot, _zlib.crc32(grade_id.encode()) & 0x7FFFFFFF)
        self.trust.install_wrappers(True)
        return {"restored": restored}

    def verify(self, protected_names, assigned_names):
        snapshot = self.snapshot
        self.trust.install_wrappers(False)
        changed = differences(snapshot, restore=True)
        changed += [f"the name {name!r}" for name in rebind(snapshot, restore=False, exclude=set(protected_names))]
        if snapshot.shell is not None and resume_callbacks(snapshot):
            changed.append("IPython event callbacks")
        namespace = snapshot.user_namespace()
        for name in protected_names:
            if name in namespace:
                snapshot.protected[name] = namespace[name]
        untrusted = self.trust.suspects([namespace[name] for name in assigned_names if name in namespace])
        return {"changed": changed, "untrusted": untrusted}

    def record(self, protected_names):
        """After a locked non-test cell: remember the helpers it defined."""
        namespace = self.snapshot.user_namespace()
        for name in protected_names:
            if name in namespace:
                self.snapshot.protected[name] = namespace[name]
        return {}

    def reap(self):
        """Collect children the grader ended (a killed child stays a zombie, and counts
        against the process limit, until its parent, this kernel, waits for it)."""
        reaped = 0
        while True:
            try:
                pid, _ = _os.waitpid(-1, _os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            reaped += 1
        return {"reaped": reaped}

    def call(self, nonce, method, *arguments):
        """What the grader runs: one method, its result published with the grader's nonce."""
        methods = {"checkpoint": self.checkpoint, "verify": self.verify, "record": self.record, "reap": self.reap}
        result = methods[method](*arguments)
        self.publish(nonce, result)

    def publish(self, nonce, result):
        if self._publish is not None:
            self._publish(data={RESULT_MIME: {"nonce": nonce, "result": _json.loads(_json.dumps(result))}},
                          metadata={})


def _start_kernel_threads():
    """Start now the threads the kernel would otherwise start on first use.

    pyzmq starts its garbage-collector thread the first time the kernel sends
    a large message; if learner code has used up the process limit by then
    (a fork bomb: children and threads share it), the send fails half-way.
    """
    try:
        from zmq.utils.garbage import gc
        if not gc.is_alive():
            gc.start()
    except Exception:
        pass


def install(spec):
    """Snapshot now; store the guard under a key only the grader knows; confirm."""
    import builtins
    import warnings
    _start_kernel_threads()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        guard = Guard(spec)
    setattr(builtins, spec["key"], guard)
    guard.snapshot.builtins[spec["key"]] = guard
    guard.publish(spec["nonce"], {"modules": len(guard.snapshot.modules),
                                  "classes": len(guard.snapshot.class_dicts),
                                  "functions": len(guard.snapshot.functions)})
