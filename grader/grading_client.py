"""nbclient's NotebookClient with the grader's kernel and output kept within bounds.

``HardenedExecute`` (grader.execute) creates one of these per notebook. The
kernel comes from ``grader.kernel`` (our command, optionally sandboxed);
everything else is nbclient's own, configured through its traits and hooks
(``timeout_func``, ``error_on_timeout``, ``on_cell_executed``). Output is
capped while it arrives, so a runaway print cannot fill the grader's memory.
"""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from grader.kernel import KernelLaunch


class GradingClient(NotebookClient):
    def __init__(self, nb, *, launch: KernelLaunch, output_limit: int, **traits):
        super().__init__(nb, **traits)
        self.launch = launch
        self.output_limit = output_limit
        self.output_used: dict[int, int] = {}

    def create_kernel_manager(self):
        self.km = self.launch.manager
        return self.km

    def output(self, outs, msg, display_id, cell_index):
        size = _size(msg.get("content", {}))
        used = self.output_used.get(cell_index, 0)
        self.output_used[cell_index] = used + size
        if msg["msg_type"] != "error" and used + size > self.output_limit:
            notice = f"[the grader dropped output beyond {self.output_limit:,} characters in this cell]\n"
            if not any(out.get("output_type") == "stream" and out.get("text", "").endswith(notice) for out in outs):
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=notice))
            return None
        if msg["msg_type"] == "error":
            content = msg["content"]
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-60:]]
        return super().output(outs, msg, display_id, cell_index)

    def limit_widget_state(self) -> None:
        if _size(self.widget_state) > 5 * self.output_limit:
            self.widget_state.clear()
            self.widget_buffers.clear()


def _size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_size(item) for item in value)
    return 8
