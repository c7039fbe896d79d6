"""Sample text from a character-level language model at a chosen temperature and prefix."""
from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.transforms import ScaledTranslation
from torch import nn

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# (model, prefix, length, temperature, generator) -> the `length` characters sampled after `prefix`.
# The generator is a seeded CPU torch.Generator: sample on the CPU so one seed gives one text on any device.
SampleFn = Callable[[nn.Module, str, int, float, torch.Generator], str]
# (model, prefix) -> (characters, logits): the model's scores for the character that follows `prefix`.
NextLogitsFn = Callable[[nn.Module, str], tuple[Sequence[str], object]]

PREFIX_COLOR = "tab:blue"
WRAP_WIDTH = 88  # characters per drawn line; the Python docs wrap at about 72
MAX_LINES = 26  # lines drawn; a longer sample is cut, the full text stays in ``.text``
TEXT_POINTS = 8  # font size of the sample
LINE_POINTS = 10  # distance between lines


def visible_char(char: str) -> str:
    """A printable stand-in for characters a bar label cannot show (newline, space, tab)."""
    return {"\n": "⏎", " ": "␣", "\t": "⇥"}.get(char, char)


def softmax_with_temperature(logits, temperature: float) -> np.ndarray:
    """softmax(logits / temperature) in float64, computed stably; temperature must be > 0."""
    if temperature <= 0:
        raise ValueError(t("temperature must be positive, got {temperature}", temperature=temperature))
    if isinstance(logits, torch.Tensor):
        logits = logits.detach().cpu().double().numpy()
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max()  # the largest exponent is 0: no overflow at low temperatures
    p = np.exp(z)
    return p / p.sum()


def layout_lines(prefix: str, text: str, width: int = WRAP_WIDTH) -> tuple[list[str], list[str]]:
    """Lay out ``prefix + text`` in lines of at most ``width`` characters, breaking at newlines.

    Returns two lists of equally long lines, the same layout twice: one with only
    the prefix's characters (the rest blanked to spaces), one with only the text's.
    Drawn on top of each other in a monospace font they show the prefix in colour.
    """
    marked = [(char, True) for char in prefix.replace("\t", "    ")]
    marked += [(char, False) for char in text.replace("\t", "    ")]
    prefix_lines, text_lines, prefix_line, text_line = [], [], [], []
    for char, in_prefix in marked:
        if char == "\n" or len(prefix_line) == width:
            prefix_lines.append("".join(prefix_line))
            text_lines.append("".join(text_line))
            prefix_line, text_line = [], []
            if char == "\n":
                continue
        prefix_line.append(char if in_prefix else " ")
        text_line.append(" " if in_prefix else char)
    prefix_lines.append("".join(prefix_line))
    text_lines.append("".join(text_line))
    return prefix_lines, text_lines


class TextSampler(LiveWidget):
    """Continue a prefix with *your* sampling function and show the text, the prefix in colour.

    ``sample(model, prefix, length, temperature, generator)`` returns the sampled
    continuation (not including the prefix); it is written in the notebook, the
    widget only calls it. If ``next_logits(model, prefix)`` is given, a bar chart
    above the text shows the most likely next characters at temperature 1 (grey)
    and at the chosen temperature (colour), which is what the temperature changes.

    Controls: **temperature**, **prefix**, **length** and **seed** resample at once;
    **New sample** draws another text with the next seed. The same settings and
    seed always give the same text. ``text`` holds the last continuation and
    ``history`` every (prefix, temperature, length, seed) sampled.
    """

    failure = "Cannot sample: {error}"

    def __init__(self, model: nn.Module, sample: SampleFn, next_logits: NextLogitsFn | None = None,
                 prefix: str = "The ", temperature: float = 0.8, length: int = 300, seed: int = 0,
                 top_k: int = 12, min_interval: float = 0.0):
        super().__init__(figsize=(9.0, 6.2 if next_logits is not None else 4.6), min_interval=min_interval)
        self.model = model
        self.sample = sample
        self.next_logits = next_logits
        self.top_k = top_k
        self.text = ""
        self.probabilities: tuple[list[str], np.ndarray, np.ndarray] | None = None  # chars, p at T=1, p at T
        self.history: list[tuple[str, float, int, int]] = []

        self.temperature = widgets.FloatSlider(value=temperature, min=0.05, max=2.0, step=0.05,
                                               description=t("temperature"), continuous_update=False)
        self.prefix = widgets.Text(value=prefix, description=t("prefix"), continuous_update=False)
        self.length = widgets.IntSlider(value=length, min=20, max=1000, step=20, description=t("length"),
                                        continuous_update=False)
        self.seed = widgets.IntText(value=seed, description=t("seed"))
        self.resample_button = widgets.Button(description=t("New sample"), icon="refresh")
        self.redraw_on_change(self.temperature, self.prefix, self.length, self.seed)
        self.resample_button.on_click(lambda _button: self.resample())
        self.widget = self.compose([self.temperature, self.length], [self.prefix, self.seed, self.resample_button])
        self.redraw()

    def resample(self) -> None:
        """Another text with the same settings: the next seed (this redraws through the seed box)."""
        self.seed.value += 1

    def refresh(self) -> bool:
        """Sample with the current controls and redraw: the same as ``redraw()``."""
        return self.redraw()

    def compute(self) -> tuple[str, float, int, int]:
        """Sample with your function (and score the next character); keep the text and the settings."""
        prefix, temperature = self.prefix.value, float(self.temperature.value)
        length, seed = int(self.length.value), int(self.seed.value)
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                generator = torch.Generator().manual_seed(seed)
                text = self.sample(self.model, prefix, length, temperature, generator)
                if not isinstance(text, str):
                    raise TypeError(t("the sampling function should return a str, got {kind}", kind=type(text).__name__))
                probabilities = None
                if self.next_logits is not None:
                    chars, logits = self.next_logits(self.model, prefix)
                    probabilities = (list(chars), softmax_with_temperature(logits, 1.0),
                                     softmax_with_temperature(logits, temperature))
        finally:
            self.model.train(was_training)
        self.text, self.probabilities = text, probabilities
        self.history.append((prefix, temperature, length, seed))
        return prefix, temperature, length, seed

    def plot(self, fig, settings: tuple[str, float, int, int]) -> str:
        prefix, temperature, _length, seed = settings
        if self.probabilities is not None:
            bars_ax, text_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 2.6]})
            self._draw_bars(bars_ax, prefix, temperature)
        else:
            text_ax = fig.add_subplot()
        self._draw_text(text_ax, prefix, self.text)
        fig.tight_layout()
        return t("temperature {temperature:.2f}, seed {seed}: {n} characters after the prefix", temperature=temperature,
                 seed=seed, n=len(self.text))

    def _draw_bars(self, ax, prefix: str, temperature: float) -> None:
        chars, p_one, p_temp = self.probabilities
        top = np.argsort(-p_temp, kind="stable")[: self.top_k]
        positions = np.arange(len(top))
        ax.bar(positions, p_one[top], width=0.8, color="0.82", label=t("temperature 1"))
        ax.bar(positions, p_temp[top], width=0.45, color=PREFIX_COLOR, label=t("temperature {temperature:.2f}", temperature=temperature))
        ax.set_xticks(positions, [visible_char(chars[i]) for i in top])
        ax.set_ylim(0, 1)
        ax.set_ylabel(t("probability"))
        shown = prefix[-24:].replace("\n", "⏎")
        ax.set_title(t("next character after …{shown!r}", shown=shown), fontsize=10)
        ax.legend(fontsize=8, loc="upper right")

    def _draw_text(self, ax, prefix: str, text: str) -> None:
        # The same monospace layout twice: the prefix in colour, the continuation in
        # black, each with the other's characters blanked out. Every line is placed
        # at a fixed offset in points, so the two always line up.
        prefix_lines, text_lines = layout_lines(prefix, text)
        if len(text_lines) > MAX_LINES:
            prefix_lines, text_lines = prefix_lines[:MAX_LINES], text_lines[:MAX_LINES - 1] + ["…"]
        style = dict(family="monospace", fontsize=TEXT_POINTS, va="top", ha="left", parse_math=False)
        for row, (prefix_line, text_line) in enumerate(zip(prefix_lines, text_lines)):
            place = ax.transAxes + ScaledTranslation(0, -row * LINE_POINTS / 72, self.figure.dpi_scale_trans)
            if text_line.strip():
                ax.text(0.0, 1.0, text_line, color="black", transform=place, **style)
            if prefix_line.strip():
                ax.text(0.0, 1.0, prefix_line, color=PREFIX_COLOR, fontweight="bold", transform=place, **style)
        ax.set_title(t("prefix (blue, bold) and the sampled continuation"), fontsize=10)
        ax.axis("off")
