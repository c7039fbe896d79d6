"""Pick the fastest available torch device and say why it was picked."""
from __future__ import annotations

import torch

from dlcourse.i18n import t


def _describe_choice() -> tuple[str, str]:
    """Return (device type, human reason), preferring cuda, then mps, then cpu."""
    if torch.cuda.is_available():
        return "cuda", t("found GPU {name}", name=torch.cuda.get_device_name(0))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps", t("found an Apple GPU (Metal)")
    return "cpu", t("no CUDA or Apple GPU found; running on {threads} CPU threads "
                    "(every chapter is sized to finish on a laptop CPU)", threads=torch.get_num_threads())


def device(verbose: bool = True) -> torch.device:
    """The device chapters train on: cuda, then mps, then cpu.

    Prints the choice and the reason, so a learner knows whether the *Scale up on
    a GPU* cells will pick their larger configuration.
    """
    kind, reason = _describe_choice()
    if verbose:
        print(t("Using {kind}: {reason}", kind=kind, reason=reason))
    return torch.device(kind)
