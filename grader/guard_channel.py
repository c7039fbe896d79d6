"""The grader's side of the kernel guard: install it, call it between cells, read its answers.

Everything here goes through jupyter_client's message API on the notebook
client's kernel client: an ``execute_request`` outside the notebook (not in
the input history), then the shell reply and the IOPub messages with that
request as their parent. The guard answers with ``display_data`` of its own
mime type carrying a fresh nonce (``grader.kernel_guard.guard``); an answer
that does not arrive, or a reply that is not ``ok``, means the kernel's
machinery was modified.
"""
from __future__ import annotations

import json
import secrets
from queue import Empty
from time import monotonic

from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from grader.cells import grade_id
from grader.chapter_spec import assigned_names, defined_names
from grader.kernel_guard import guard_source
from grader.kernel_guard.guard import RESULT_MIME

GUARD_SOURCE = guard_source()
STUCK = "the kernel stopped answering the grader (stuck, or its machinery was modified)"
MODIFIED = "the grader's checks could not run in this kernel (its execution or error reporting was modified)"


class GuardFailure(Exception):
    """The guard did not answer as it must; ``fatal`` when the kernel stopped answering at all."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


class GuardChannel:
    def __init__(self, kernel_client, spec: dict):
        self.kc = kernel_client
        self.spec = spec
        self.key = f"__{secrets.token_hex(8)}__"

    # -- the guard's calls ----------------------------------------------------------------------------

    def install(self, timeout: float) -> dict:
        nonce = secrets.token_hex(16)
        spec = dict(self.spec, key=self.key, nonce=nonce)
        code = (f"(lambda _g: (exec(compile({GUARD_SOURCE!r}, '<grader>', 'exec'), _g), "
                f"_g['install']({spec!r})))({{'__name__': '_grader'}});")
        return self._expect_result(code, nonce, timeout)

    def checkpoint(self, cell: NotebookNode) -> tuple[str | None, list[str]]:
        """Restore the kernel and run the canary; (why the test cannot be trusted, what was put back)."""
        try:
            result = self.call("checkpoint", [grade_id(cell) or ""])
        except GuardFailure as failure:
            if failure.fatal:
                raise
            return f"tampering detected before this test: {failure}", []
        # The canary: the test's own source behind a failing line. A kernel that
        # skips, rewrites or silences test cells treats it like the test.
        nonce = secrets.token_hex(16)
        try:
            reply, messages = self.run_hidden(f"raise AssertionError({nonce!r})\n{cell.source}", timeout=30.0)
        except GuardFailure as failure:
            if failure.fatal:
                raise
            return f"tampering detected before this test: {failure}", result.get("restored", [])
        errors = [m["content"] for m in messages if m["msg_type"] == "error"]
        if not (reply.get("status") == "error" and reply.get("ename") == "AssertionError"
                and reply.get("evalue") == nonce and any(e.get("evalue") == nonce for e in errors)):
            return ("tampering detected: the kernel no longer reports a failing test as failed",
                    result.get("restored", []))
        return None, result.get("restored", [])

    def verify(self, cell: NotebookNode) -> tuple[list[str], list[str]]:
        """(what changed while the test ran, untrusted values the test holds)."""
        try:
            result = self.call("verify", [defined_names(cell.source), assigned_names(cell.source)])
        except GuardFailure as failure:
            if failure.fatal:
                raise
            return [str(failure)], []
        return result.get("changed", []), result.get("untrusted", [])

    def record(self, cell: NotebookNode) -> None:
        self.call("record", [defined_names(cell.source)])

    def reap(self) -> None:
        """Have the kernel collect the child processes the grader ended."""
        try:
            self.call("reap", [])
        except GuardFailure:
            pass  # a kernel that cannot reap keeps its zombies; the next cells report what follows

    def responsive(self) -> bool:
        try:
            reply, _ = self.run_hidden("pass", timeout=10.0)
        except (DeadKernelError, GuardFailure):
            return False
        return reply.get("status") == "ok"

    def call(self, method: str, arguments: list) -> dict:
        nonce = secrets.token_hex(16)
        code = f"{self.key}.call({nonce!r}, {method!r}, *{json.dumps(arguments)})"
        return self._expect_result(code, nonce, timeout=30.0)

    def _expect_result(self, code: str, nonce: str, timeout: float) -> dict:
        reply, messages = self.run_hidden(code, timeout=timeout)
        results = [m["content"].get("data", {}).get(RESULT_MIME) for m in messages if m["msg_type"] == "display_data"]
        answers = [r for r in results if isinstance(r, dict) and r.get("nonce") == nonce]
        if reply.get("status") != "ok" or len(answers) != 1:
            raise GuardFailure(MODIFIED)
        result = answers[0].get("result")
        if not isinstance(result, dict):
            raise GuardFailure("the grader's checks returned garbage")
        return result

    # -- messages -------------------------------------------------------------------------------------

    def run_hidden(self, code: str, timeout: float) -> tuple[dict, list[dict]]:
        """Execute code outside the notebook; the reply content and the request's IOPub messages."""
        return run_sync(self._run_hidden)(code, timeout)

    async def _run_hidden(self, code: str, timeout: float) -> tuple[dict, list[dict]]:
        msg_id = self.kc.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = monotonic() + timeout
        reply = None
        while reply is None:
            msg = await self._next(self.kc.get_shell_msg, deadline)
            if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                reply = msg["content"]
        messages = []
        while True:
            msg = await self._next(self.kc.get_iopub_msg, deadline)
            if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                return reply, messages
            messages.append(msg)

    async def _next(self, get, deadline: float) -> dict | None:
        remaining = deadline - monotonic()
        if remaining <= 0:
            raise GuardFailure(STUCK, fatal=True)
        try:
            return await get(timeout=min(1.0, remaining))
        except Empty:
            if not await self.kc.is_alive():
                raise DeadKernelError("Kernel died") from None
            return None
