"""Exposure of planted canaries, checkpoint by checkpoint: how repetition and training turn a secret into a memory."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# (canary_log_prob, other_log_probs) -> exposure in bits, e.g. the learner's canary_exposure from chapter 14.
Exposure = Callable[[float, np.ndarray], float]
# One canary's scores at one checkpoint: its own log-probability and those of the other candidates (M,).
CanaryScores = tuple[float, np.ndarray]


class ExposureExplorer(LiveWidget):
    """Move through training checkpoints and see each canary's rank among its candidates.

    ``checkpoints[k][i]`` holds canary ``i``'s scores after checkpoint ``k``:
    ``(canary_log_prob, other_log_probs)``. ``repetitions[i]`` is how many
    times canary ``i`` was in the training data, ``labels[k]`` names checkpoint
    ``k`` (e.g. "epoch 3"). ``compare`` maps the name of another training run
    (e.g. "de-duplicated") to its final scores, one ``CanaryScores`` per canary,
    drawn for comparison. Every exposure shown is computed by ``exposure``, the
    function passed in: the widget itself neither ranks nor counts candidates.

    Left: the histogram of the chosen canary's candidates' log-probabilities, with
    the canary marked. Right: mean exposure against the number of repetitions,
    one faint line per checkpoint and the current one bold, the other runs dashed.
    """

    failure = "Cannot compute exposure yet: {error}"
    failure_status = "Finish canary_exposure first."

    def __init__(self, exposure: Exposure, checkpoints: Sequence[Sequence[CanaryScores]],
                 repetitions: Sequence[int], labels: Sequence[str] | None = None,
                 compare: Mapping[str, Sequence[CanaryScores]] | None = None, canary_names: Sequence[str] | None = None):
        super().__init__(figsize=(10.5, 3.6))
        self.exposure = exposure
        self.checkpoints = [[(float(lp), np.asarray(others, dtype=np.float64).reshape(-1)) for lp, others in scores]
                            for scores in checkpoints]
        self.repetitions = [int(r) for r in repetitions]
        n_canaries = len(self.repetitions)
        if not self.checkpoints or any(len(scores) != n_canaries for scores in self.checkpoints):
            raise ValueError(t("every checkpoint needs one (canary_log_prob, other_log_probs) pair per canary"))
        self.compare = {name: [(float(lp), np.asarray(others, dtype=np.float64).reshape(-1)) for lp, others in scores]
                        for name, scores in (compare or {}).items()}
        if any(len(scores) != n_canaries for scores in self.compare.values()):
            raise ValueError(t("every compared run needs one pair per canary"))
        self.labels = list(labels) if labels is not None else [t("checkpoint {k}", k=k + 1) for k in range(len(self.checkpoints))]
        if len(self.labels) != len(self.checkpoints):
            raise ValueError(t("one label per checkpoint"))
        names = list(canary_names) if canary_names is not None else [
            t("canary {i} ({r}×)", i=i + 1, r=r) for i, r in enumerate(self.repetitions)]
        self.levels = sorted(set(self.repetitions))
        self.checkpoint = widgets.IntSlider(value=0, min=0, max=len(self.checkpoints) - 1, step=1,
                                            description=t("checkpoint"), readout=False, continuous_update=False)
        self.canary = widgets.Dropdown(options=[(name, i) for i, name in enumerate(names)],
                                       value=int(np.argmax(self.repetitions)), description=t("canary"))
        self.checkpoint_label = widgets.Label(self.labels[0])
        self._cache: dict[tuple[str, int, int], float] = {}
        self.redraw_on_change(self.checkpoint, self.canary)
        self.widget = self.compose([self.checkpoint, self.checkpoint_label, self.canary])
        self.redraw()

    # -- what tests and learners read ------------------------------------------------

    def exposures(self, checkpoint: int | None = None, run: str | None = None) -> list[float]:
        """Exposure of every canary (bits) at a checkpoint of the main run, or at the end of a compared run."""
        k = self.checkpoint.value if checkpoint is None else checkpoint
        scores = self.checkpoints[k] if run is None else self.compare[run]
        out = []
        for i, (lp, others) in enumerate(scores):
            key = (run or "", k if run is None else -1, i)
            if key not in self._cache:
                self._cache[key] = float(self.exposure(lp, others))
            out.append(self._cache[key])
        return out

    def mean_by_repetitions(self, exposures: Sequence[float]) -> list[float]:
        """Mean exposure per repetition level, levels in increasing order."""
        values = np.asarray(exposures, dtype=np.float64)
        reps = np.asarray(self.repetitions)
        return [float(values[reps == level].mean()) for level in self.levels]

    # -- drawing ---------------------------------------------------------------------------

    def compute(self) -> tuple[list[list[float]], dict[str, list[float]]]:
        """Exposures (from your function) at every checkpoint and at the end of every compared run."""
        self.checkpoint_label.value = self.labels[self.checkpoint.value]
        per_checkpoint = [self.exposures(j) for j in range(len(self.checkpoints))]
        per_run = {name: self.exposures(run=name) for name in self.compare}
        return per_checkpoint, per_run

    def plot(self, fig, state: tuple[list[list[float]], dict[str, list[float]]]) -> str:
        per_checkpoint, per_run = state
        k, i = self.checkpoint.value, self.canary.value
        hist_ax, curve_ax = fig.subplots(1, 2)
        lp, others = self.checkpoints[k][i]
        hist_ax.hist(others, bins=40, color="tab:gray", alpha=0.7, label=t("{n} other candidates", n=len(others)))
        hist_ax.axvline(lp, color="tab:red", linewidth=2, label=t("the canary: {bits:.1f} bits", bits=per_checkpoint[k][i]))
        hist_ax.set(xlabel=t("log-probability of the whole sequence"), ylabel=t("candidates"),
                    title=f"{self.canary.label}, {self.labels[k]}")
        hist_ax.legend(fontsize=8, loc="upper left")
        for j, exposures in enumerate(per_checkpoint):
            current = j == k
            curve_ax.plot(self.levels, self.mean_by_repetitions(exposures), "o-" if current else "-",
                          color="tab:red", alpha=1.0 if current else 0.2,
                          linewidth=2.2 if current else 1.0, label=self.labels[j] if current else None)
        for n, (name, exposures) in enumerate(per_run.items()):
            curve_ax.plot(self.levels, self.mean_by_repetitions(exposures), "s--", color=f"C{n}", alpha=0.8,
                          label=t("{name} (end)", name=name))
        ceiling = np.log2(len(others) + 1)
        curve_ax.axhline(ceiling, color="gray", linestyle=":", linewidth=1, label=t("largest possible"))
        curve_ax.set_xscale("log", base=2)
        curve_ax.set_xticks(self.levels, [str(level) for level in self.levels])
        curve_ax.set(xlabel=t("copies of the canary in the training data"), ylabel=t("mean exposure (bits)"),
                     ylim=(0, ceiling * 1.08), title=t("exposure grows with repetition and training"))
        curve_ax.legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        means = self.mean_by_repetitions(per_checkpoint[k])
        per_level = t(", ").join(t("{level}×: {bits:.1f} bits", level=level, bits=value)
                                 for level, value in zip(self.levels, means))
        return t("{checkpoint}: mean exposure {per_level} (at most {ceiling:.1f})", checkpoint=self.labels[k],
                 per_level=per_level, ceiling=ceiling)
