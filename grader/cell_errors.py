"""Error outputs the grader itself puts into a cell; grader.check turns them into reasons."""
from __future__ import annotations

import nbformat
from nbformat import NotebookNode

KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelUnresponsive"
NOT_RUN = "NotRun"
TIME_CAP = "NotebookTimeLimit"
CELL_TIMEOUT = "CellTimeout"
TAMPERING = "TamperingDetected"
OUTPUT_LOST = "OutputLost"
UNTRUSTED_VALUE = "UntrustedValue"
GRADER_ERRORS = {KERNEL_DIED, KERNEL_STUCK, NOT_RUN, TIME_CAP, CELL_TIMEOUT, TAMPERING, OUTPUT_LOST, UNTRUSTED_VALUE}


def error_output(ename: str, reason: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=reason, traceback=[f"{ename}: {reason}"])


def without_errors(cell: NotebookNode) -> None:
    """Drop a cell's error outputs (a KeyboardInterrupt after a timeout, nbclient's own)."""
    cell.outputs = [output for output in cell.outputs if output.output_type != "error"]
