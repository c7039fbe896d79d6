"""Who attends to whom: one attention head's weights for a prompt, as a heatmap."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# prompt -> attention weights (layers, heads, T, T): row = query position, column = key position.
# A tensor, an array, or a list with one (heads, T, T) entry per layer; a leading batch axis of 1 is dropped.
AttentionFn = Callable[[str], Any]
MEAN_OF_HEADS = -1  # the head control's value for "average over all heads"

_VISIBLE = {" ": "␣", "\n": "↵", "\t": "→"}


def visible_token(token: str) -> str:
    """A label that shows whitespace: a space as ␣, a newline as ↵, a tab as →."""
    return "".join(_VISIBLE.get(ch, ch) for ch in token)


def as_weight_array(weights: Any) -> np.ndarray:
    """Turn what an attention function returned into a float array (layers, heads, T, T)."""
    if isinstance(weights, (list, tuple)):
        weights = [_to_numpy(w) for w in weights]
        weights = [w[0] if w.ndim == 4 and w.shape[0] == 1 else w for w in weights]
        weights = np.stack(weights)
    else:
        weights = _to_numpy(weights)
        if weights.ndim == 5 and weights.shape[1] == 1:
            weights = weights[:, 0]
    if weights.ndim != 4 or weights.shape[-1] != weights.shape[-2]:
        raise ValueError(t("attention weights must have shape (layers, heads, T, T), got {shape}",
                           shape=tuple(weights.shape)))
    return weights.astype(np.float64)


def _to_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor, possibly on a GPU or needing grad
        value = value.detach().float().cpu().numpy()
    return np.asarray(value)


class AttentionHeatmap(LiveWidget):
    """Pick a layer, a head and a prompt, and see which positions each position attends to.

    ``attention_fn(prompt)`` returns the weights of every layer and head for the
    prompt, shape (layers, heads, T, T), where row ``i`` holds the weights that
    query position ``i`` gives to each key position (each row sums to 1; a causal
    model leaves the upper triangle at 0). The widget holds no model of its own:
    the notebook passes a function that runs *its* model.

    ``tokens_fn(prompt)`` gives the labels of the positions (default: one per
    character). When it returns more labels than the weights have positions, the
    last T are used, as a model that keeps only its last T characters would.

    Controls: **layer**, **head** (or the mean of all heads), **prompt** (recomputes
    the weights when edited) and **query**, the position whose row is highlighted
    and spelled out under the heatmap, each character shaded by its weight.
    """

    def __init__(self, attention_fn: AttentionFn, prompt: str = "The quick brown fox",
                 tokens_fn: Callable[[str], Sequence[str]] = list, figsize: tuple[float, float] = (6.8, 6.6)):
        super().__init__(figsize=figsize)
        self.attention_fn = attention_fn
        self.tokens_fn = tokens_fn
        self.weights = np.zeros((1, 1, 1, 1))  # (layers, heads, T, T) of the current prompt
        self.tokens: list[str] = [""]
        self.layer = widgets.Dropdown(options=[(t("layer {i}", i=0), 0)], value=0, description=t("layer"))
        self.head = widgets.Dropdown(options=[(t("head {i}", i=0), 0)], value=0, description=t("head"))
        self.prompt = widgets.Text(value=prompt, description=t("prompt"), continuous_update=False,
                                   layout=widgets.Layout(width="95%"))
        self.query = widgets.IntSlider(value=0, min=0, max=0, description=t("query"), continuous_update=False)
        self._updating = False  # set while controls are rebuilt, so they do not redraw one by one
        self.layer.observe(self._on_control, names="value")
        self.head.observe(self._on_control, names="value")
        self.query.observe(self._on_control, names="value")
        self.prompt.observe(lambda _change: self.update_prompt(), names="value")
        self.widget = self.compose([self.layer, self.head, self.query], self.prompt, status=False)
        self.update_prompt()

    # -- what tests and learners read ------------------------------------------------

    def shown_weights(self) -> np.ndarray:
        """The (T, T) matrix on display: one head of one layer, or the mean of its heads."""
        layer = self.weights[self.layer.value]  # (heads, T, T)
        return layer.mean(axis=0) if self.head.value == MEAN_OF_HEADS else layer[self.head.value]

    # -- updating ------------------------------------------------------------------------

    def update_prompt(self) -> None:
        """Run attention_fn on the prompt, rebuild the controls to fit, and redraw."""
        prompt = self.prompt.value
        succeeded, result = self.guarded(
            lambda: (as_weight_array(self.attention_fn(prompt)), [str(t) for t in self.tokens_fn(prompt)]),
            "Cannot show attention yet: {error}")
        if not succeeded:
            return
        weights, tokens = result
        n_layers, n_heads, T, _ = weights.shape
        if len(tokens) < T:
            self.show_problem(t("Cannot show attention: {T} positions but only {n} token labels.", T=T, n=len(tokens)),
                              ValueError(f"{len(tokens)} labels for {T} positions"))
            return
        self.weights, self.tokens = weights, tokens[len(tokens) - T:]
        layer, head, query = self.layer.value, self.head.value, self.query.value
        at_end = query == self.query.max  # keep following the last position as the prompt grows
        self._updating = True
        try:
            self.layer.options = [(t("layer {i}", i=i), i) for i in range(n_layers)]
            self.layer.value = min(layer, n_layers - 1)
            self.head.options = [(t("head {i}", i=i), i) for i in range(n_heads)] + [(t("mean of heads"), MEAN_OF_HEADS)]
            self.head.value = min(head, n_heads - 1)  # MEAN_OF_HEADS (-1) stays as it is
            self.query.max = T - 1
            self.query.value = T - 1 if at_end else min(query, T - 1)
        finally:
            self._updating = False
        self.redraw()

    def _on_control(self, _change) -> None:
        if not self._updating and self.last_error is None:
            self.redraw()

    def compute(self) -> np.ndarray:
        return self.shown_weights()  # the weights were computed when the prompt changed

    def plot(self, fig, matrix: np.ndarray) -> None:
        """Draw the heatmap (T, T) and the highlighted query's row."""
        heat_ax, row_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [6, 1]})
        T = matrix.shape[0]
        labels = [visible_token(t) for t in self.tokens]
        image = heat_ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=max(float(matrix.max()), 1e-9))
        fig.colorbar(image, ax=heat_ax, fraction=0.04, pad=0.02, label=t("attention weight"))
        step = max(1, -(-T // 40))  # at most about 40 labels per axis stay readable
        ticks = list(range(0, T, step))
        heat_ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize=7)
        heat_ax.set_yticks(ticks, [labels[i] for i in ticks], fontsize=7)
        heat_ax.grid(False)
        heat_ax.set_xlabel(t("key: the position looked at"))
        heat_ax.set_ylabel(t("query: the position looking"))
        query = self.query.value
        heat_ax.add_patch(_row_outline(query, T))
        head = t("mean of heads") if self.head.value == MEAN_OF_HEADS else t("head {i}", i=self.head.value)
        heat_ax.set_title(t("layer {i}, {head}", i=self.layer.value, head=head), fontsize=10)

        row = matrix[query]  # (T,) the highlighted query's weights
        row_ax.set_xlim(-0.5, T - 0.5)
        row_ax.set_ylim(0, 1)
        row_ax.axis("off")
        scale = max(float(row.max()), 1e-9)
        for position, (label, weight) in enumerate(zip(labels, row)):
            shade = float(weight) / scale
            row_ax.text(position, 0.5, label, ha="center", va="center", fontsize=8 if T <= 40 else 6,
                        fontweight="bold" if position == query else "normal",
                        color="white" if shade > 0.6 else "black",
                        bbox={"boxstyle": "square,pad=0.15", "facecolor": (0.12, 0.35, 0.75, shade),
                              "edgecolor": "crimson" if position == query else "none"})
        row_ax.set_title(t("what query {query} ({label!r}) attends to", query=query, label=labels[query]), fontsize=9)
        fig.tight_layout()


def _row_outline(row: int, width: int):
    from matplotlib.patches import Rectangle

    return Rectangle((-0.5, row - 0.5), width, 1, fill=False, edgecolor="crimson", linewidth=1.5)
