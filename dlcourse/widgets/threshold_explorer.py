"""One decision threshold per group over fixed scores: accuracy and two fairness gaps, moving together."""
from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as widgets
import numpy as np

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# (y_pred, group) -> float, e.g. the learner's demographic_parity_difference from chapter 10.
ParityGap = Callable[[np.ndarray, np.ndarray], float]
# (y_true, y_pred, group) -> float, e.g. the learner's equalized_odds_difference.
OddsGap = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


class ThresholdExplorer(LiveWidget):
    """Move each group's threshold; the view recomputes the metrics with the functions you pass in.

    ``scores`` (N,) are a model's probabilities of the positive decision, ``y_true``
    (N,) the 0/1 outcomes to judge errors against and ``group`` (N,) each person's
    group. A person is selected when their score is at least their group's
    threshold. The left panel shows each group's ROC curve with its current
    operating point (equalised odds holds when the points coincide), the middle
    panel the selection rate and true-positive rate of each group, and the right
    panel every setting visited so far as accuracy against the two fairness gaps,
    which traces the trade-off. Nothing is computed by the widget itself that a
    chapter grades: the two gaps come from ``parity_gap`` and ``odds_gap``.
    """

    failure = "Cannot compute the gaps yet: {error}"
    failure_status = "Finish demographic_parity_difference and equalized_odds_difference first."

    def __init__(self, scores: Sequence[float], y_true: Sequence[int], group: Sequence,
                 parity_gap: ParityGap, odds_gap: OddsGap, threshold: float = 0.5,
                 group_names: dict | None = None):
        super().__init__(figsize=(11.0, 3.4))
        self.scores = np.asarray(scores, dtype=np.float64)
        self.y_true = np.asarray(y_true).astype(np.int64)
        self.group = np.asarray(group)
        if not (self.scores.ndim == 1 and self.scores.shape == self.y_true.shape == self.group.shape):
            raise ValueError(t("scores, y_true and group must be 1-D arrays of the same length"))
        self.parity_gap = parity_gap
        self.odds_gap = odds_gap
        self.groups = list(np.unique(self.group))
        if len(self.groups) < 2:
            raise ValueError(t("fairness needs at least two groups"))
        names = group_names or {}
        self.sliders = {
            g: widgets.FloatSlider(value=threshold, min=0.0, max=1.0, step=0.01, readout_format=".2f",
                                   description=f"{names.get(g, g)}", continuous_update=False)
            for g in self.groups
        }
        self.names = {g: str(names.get(g, g)) for g in self.groups}
        self.reset_button = widgets.Button(description=t("All at {threshold:.2f}", threshold=threshold), icon="undo")
        self.reset_button.on_click(lambda _button: self.set_thresholds(threshold))
        self.history: list[dict] = []
        self.last_metrics: dict | None = None
        self._holding = False
        self.redraw_on_change(*self.sliders.values())
        self.widget = self.compose([*self.sliders.values(), self.reset_button])
        self._roc = {g: self._roc_curve(g) for g in self.groups}
        self.redraw()

    # -- what tests and learners read ------------------------------------------------

    def thresholds(self) -> dict:
        return {g: slider.value for g, slider in self.sliders.items()}

    def set_thresholds(self, value: float | dict) -> None:
        """Set every group's threshold (one number) or some of them (a dict), redrawing once."""
        values = value if isinstance(value, dict) else {g: value for g in self.groups}
        self._holding = True
        try:
            for g, v in values.items():
                self.sliders[g].value = float(v)
        finally:
            self._holding = False
        self.redraw()

    def predictions(self) -> np.ndarray:
        """0/1 decisions (N,) int64 under the current thresholds."""
        cut = np.empty_like(self.scores)  # (N,) each person's group threshold
        for g, slider in self.sliders.items():
            cut[self.group == g] = slider.value
        return (self.scores >= cut).astype(np.int64)

    def metrics(self) -> dict:
        """Accuracy, both gaps (from your functions) and per-group rates under the current thresholds."""
        y_pred = self.predictions()
        per_group = {}
        for g in self.groups:
            members = self.group == g
            positives, negatives = members & (self.y_true == 1), members & (self.y_true == 0)
            per_group[g] = {
                "selection_rate": float(y_pred[members].mean()),
                "tpr": float(y_pred[positives].mean()) if positives.any() else float("nan"),
                "fpr": float(y_pred[negatives].mean()) if negatives.any() else float("nan"),
            }
        return {
            "thresholds": self.thresholds(),
            "accuracy": float((y_pred == self.y_true).mean()),
            "parity_gap": float(self.parity_gap(y_pred, self.group)),
            "odds_gap": float(self.odds_gap(self.y_true, y_pred, self.group)),
            "groups": per_group,
        }

    # -- drawing ---------------------------------------------------------------------------

    def _roc_curve(self, g) -> tuple[np.ndarray, np.ndarray]:
        members = self.group == g
        cuts = np.linspace(0.0, 1.0, 101)
        y, s = self.y_true[members], self.scores[members]
        tpr = np.array([(s[y == 1] >= c).mean() if (y == 1).any() else np.nan for c in cuts])
        fpr = np.array([(s[y == 0] >= c).mean() if (y == 0).any() else np.nan for c in cuts])
        return fpr, tpr

    def redraw(self, force: bool = True) -> bool:
        if self._holding:
            return False  # set_thresholds() moves several sliders and redraws once
        return super().redraw(force)

    def compute(self) -> dict:
        metrics = self.metrics()
        self.last_metrics = metrics
        self.history.append({k: metrics[k] for k in ("accuracy", "parity_gap", "odds_gap")})
        return metrics

    def plot(self, fig, metrics: dict) -> str:
        roc_ax, rate_ax, trade_ax = fig.subplots(1, 3)
        colours = [f"C{i}" for i in range(len(self.groups))]
        for g, colour in zip(self.groups, colours):
            fpr, tpr = self._roc[g]
            point = metrics["groups"][g]
            roc_ax.plot(fpr, tpr, color=colour, lw=1.2, label=self.names[g])
            roc_ax.plot(point["fpr"], point["tpr"], "o", color=colour, markersize=8, markeredgecolor="black")
        roc_ax.plot([0, 1], [0, 1], color="gray", lw=0.8, linestyle=":")
        roc_ax.set(xlabel=t("false-positive rate"), ylabel=t("true-positive rate"), title=t("ROC per group"),
                   xlim=(0, 1), ylim=(0, 1.02))
        roc_ax.legend(fontsize=8, loc="lower right")
        x = np.arange(len(self.groups))
        rate_ax.bar(x - 0.2, [metrics["groups"][g]["selection_rate"] for g in self.groups], 0.4,
                    color=colours, label=t("selection rate"))
        rate_ax.bar(x + 0.2, [metrics["groups"][g]["tpr"] for g in self.groups], 0.4, color=colours,
                    alpha=0.45, hatch="//", label=t("true-positive rate"))
        rate_ax.set_xticks(x, [self.names[g] for g in self.groups])
        rate_ax.set(ylim=(0, 1), title=t("selected, and TPR (hatched)"))
        accuracy = [h["accuracy"] for h in self.history]
        trade_ax.scatter([h["parity_gap"] for h in self.history], accuracy, s=12, color="tab:purple",
                         alpha=0.5, label=t("parity gap"))
        trade_ax.scatter([h["odds_gap"] for h in self.history], accuracy, s=12, color="tab:green",
                         alpha=0.5, label=t("odds gap"))
        trade_ax.scatter([metrics["parity_gap"], metrics["odds_gap"]], [metrics["accuracy"]] * 2, s=60,
                         color=["tab:purple", "tab:green"], edgecolor="black", zorder=3)
        trade_ax.set(xlabel=t("fairness gap (0 = equal)"), ylabel=t("accuracy"),
                     title=t("{n} settings visited", n=len(self.history)))
        trade_ax.legend(fontsize=8)
        fig.tight_layout()
        return t("accuracy {accuracy:.3f} · demographic parity gap {parity:.3f} · equalised odds gap {odds:.3f}",
                 accuracy=metrics["accuracy"], parity=metrics["parity_gap"], odds=metrics["odds_gap"])
