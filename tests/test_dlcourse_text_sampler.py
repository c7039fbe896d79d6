"""dlcourse.widgets.TextSampler, driven from Python as a learner's clicks and slider moves would."""
import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.widgets import TextSampler
from dlcourse.widgets.text_sampler import MAX_LINES, layout_lines, softmax_with_temperature, visible_char

CHARS = list("abcde \n")


class TinyModel(nn.Module):
    """A 'language model' that ignores its context: one learned logit per character."""

    def __init__(self):
        super().__init__()
        self.logits = nn.Parameter(torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0, 1.5, -0.5]))


class RecordingSampler:
    """A sampling function in the notebook's signature that records how it was called."""

    def __init__(self):
        self.calls = []

    def __call__(self, model, prefix, length, temperature, generator):
        self.calls.append((prefix, length, temperature, model.training, torch.is_grad_enabled()))
        probabilities = torch.softmax(model.logits.detach() / temperature, dim=0)
        indices = torch.multinomial(probabilities, length, replacement=True, generator=generator)
        return "".join(CHARS[i] for i in indices)


def next_logits(model, prefix):
    return CHARS, model.logits.detach()


def make_sampler(**kwargs):
    kwargs.setdefault("prefix", "ab")
    kwargs.setdefault("length", 60)
    return TextSampler(TinyModel(), RecordingSampler(), **kwargs)


def test_first_sample_is_drawn_and_sampling_runs_in_eval_mode_without_grad():
    sampler = make_sampler(temperature=0.7)
    calls = sampler.sample.calls
    assert calls == [("ab", 60, pytest.approx(0.7), False, False)], "one call, in eval mode, under no_grad"
    assert len(sampler.text) == 60 and set(sampler.text) <= set(CHARS)
    assert sampler.draw_count == 1 and sampler.live.last_png
    assert sampler.model.training, "the model's training mode is restored afterwards"
    assert sampler.last_error is None and "temperature 0.70" in sampler.status.value


def test_moving_controls_resamples_with_the_new_values():
    sampler = make_sampler()
    png, text = sampler.live.last_png, sampler.text
    sampler.temperature.value = 0.1
    assert sampler.sample.calls[-1][2] == pytest.approx(0.1)
    assert sampler.draw_count == 2 and sampler.live.last_png != png
    assert sampler.text.count("a") > text.count("a"), "a low temperature concentrates on the likeliest character"
    sampler.prefix.value = "Once upon"
    assert sampler.sample.calls[-1][0] == "Once upon"
    sampler.length.value = 200
    assert sampler.sample.calls[-1][1] == 200 and len(sampler.text) == 200
    assert [h[:3] for h in sampler.history][-3:] == [("ab", pytest.approx(0.1), 60), ("Once upon", pytest.approx(0.1), 60),
                                                    ("Once upon", pytest.approx(0.1), 200)]


def test_new_sample_button_changes_the_seed_and_seeds_repeat():
    sampler = make_sampler(seed=5)
    first = sampler.text
    sampler.resample_button.click()
    assert sampler.seed.value == 6 and sampler.history[-1][3] == 6
    assert sampler.text != first, "another seed gives another text"
    sampler.seed.value = 5
    assert sampler.text == first, "the same seed and settings give the same text"


def test_bar_chart_shows_the_distribution_at_the_chosen_temperature():
    sampler = make_sampler(next_logits=next_logits, temperature=0.5, top_k=4)
    bars_ax, text_ax = sampler.figure.axes
    chars, p_one, p_temp = sampler.probabilities
    logits = TinyModel().logits.detach().double().numpy()
    expected = np.exp(logits / 0.5) / np.exp(logits / 0.5).sum()
    np.testing.assert_allclose(p_temp, expected, rtol=1e-12)
    np.testing.assert_allclose(p_one, np.exp(logits) / np.exp(logits).sum(), rtol=1e-12)
    heights = [patch.get_height() for patch in bars_ax.patches]
    assert len(heights) == 8, "top_k grey bars at temperature 1 and top_k coloured bars"
    np.testing.assert_allclose(heights[4:], np.sort(expected)[::-1][:4], rtol=1e-12)
    assert [label.get_text() for label in bars_ax.get_xticklabels()] == ["a", "␣", "b", "c"]
    sampler.temperature.value = 2.0
    new_heights = [patch.get_height() for patch in sampler.figure.axes[0].patches]
    assert new_heights[4] < heights[4], "a higher temperature flattens the distribution"


def test_prefix_is_drawn_in_colour_and_text_lines_line_up():
    sampler = TextSampler(TinyModel(), lambda model, prefix, length, temperature, generator: "xyz\nw", prefix="ab\ncd")
    (text_ax,) = sampler.figure.axes
    coloured = [(t.get_text(), t.get_position()) for t in text_ax.texts if t.get_color() != "black"]
    black = [(t.get_text(), t.get_position()) for t in text_ax.texts if t.get_color() == "black"]
    assert [text for text, _ in coloured] == ["ab", "cd   "], "the prefix's lines, in colour"
    assert [text for text, _ in black] == ["  xyz", "w"], "the continuation, in black, after the prefix"
    line_two = [t for t in text_ax.texts if t.get_text() in ("cd   ", "  xyz")]
    offsets = {tuple(t.get_transform().transform((0.0, 1.0))) for t in line_two}
    assert len(offsets) == 1, "the prefix and the continuation of one line are drawn at the same place"
    first_line = [t for t in text_ax.texts if t.get_text() == "ab"][0]
    assert first_line.get_transform().transform((0.0, 1.0))[1] > line_two[0].get_transform().transform((0.0, 1.0))[1]


def test_failing_sampling_function_shows_a_message_and_keeps_the_widget_alive():
    def unfinished(model, prefix, length, temperature, generator):
        raise NotImplementedError("sample is not written yet")

    sampler = TextSampler(TinyModel(), unfinished)
    assert isinstance(sampler.last_error, NotImplementedError)
    assert "NotImplementedError" in sampler.status.value and sampler.draw_count == 0
    assert sampler.model.training
    sampler.sample = RecordingSampler()
    sampler.temperature.value = 1.0
    assert sampler.last_error is None and sampler.draw_count == 1


def test_a_non_string_sample_is_reported():
    sampler = TextSampler(TinyModel(), lambda model, prefix, length, temperature, generator: [1, 2, 3])
    assert isinstance(sampler.last_error, TypeError) and "str" in sampler.status.value


def test_layout_lines_keeps_prefix_and_text_apart_in_the_same_layout():
    prefix_lines, text_lines = layout_lines("ab\tc", "de\nfghij", width=4)
    assert prefix_lines == ["ab  ", "  c ", " ", "    ", " "], prefix_lines
    assert text_lines == ["    ", "   d", "e", "fghi", "j"], text_lines
    assert [len(p) for p in prefix_lines] == [len(t) for t in text_lines]
    long_prefix, long_text = layout_lines("", "x" * 10_000)
    assert len(long_text) > MAX_LINES, "the widget cuts long samples itself"


def test_helpers():
    assert visible_char("\n") == "⏎" and visible_char(" ") == "␣" and visible_char("q") == "q"
    p = softmax_with_temperature(torch.tensor([1000.0, 0.0]), 0.01)
    assert np.isfinite(p).all() and p[0] == pytest.approx(1.0)
    np.testing.assert_allclose(softmax_with_temperature([0.0, np.log(3.0)], 1.0), [0.25, 0.75])
    with pytest.raises(ValueError):
        softmax_with_temperature([1.0], 0.0)
