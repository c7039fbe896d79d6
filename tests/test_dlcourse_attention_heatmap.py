"""dlcourse.widgets.AttentionHeatmap, driven from Python as a learner's clicks and typing would."""
import numpy as np
import pytest
import torch

from dlcourse.widgets import AttentionHeatmap
from dlcourse.widgets.attention_heatmap import MEAN_OF_HEADS, as_weight_array, visible_token

LAYERS, HEADS = 2, 3


def fake_attention(prompt):
    """Causal weights (layers, heads, T, T) that differ per layer and head and depend on the prompt."""
    T = len(prompt)
    generator = torch.Generator().manual_seed(sum(map(ord, prompt)))
    scores = torch.randn(LAYERS, HEADS, T, T, generator=generator) * 3
    allowed = torch.ones(T, T, dtype=torch.bool).tril()
    return torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)


def previous_token_attention(prompt):
    """Layer 1, head 0 looks only at the previous position; everything else only at itself."""
    T = len(prompt)
    weights = np.tile(np.eye(T), (LAYERS, HEADS, 1, 1))
    weights[1, 0] = np.eye(T, k=-1)
    weights[1, 0, 0, 0] = 1.0
    return weights


def test_opens_on_the_prompt_with_controls_that_fit_the_model():
    view = AttentionHeatmap(fake_attention, prompt="hello world")
    assert view.draw_count == 1 and view.live.last_png
    assert view.weights.shape == (LAYERS, HEADS, 11, 11)
    assert [value for _, value in view.layer.options] == [0, 1]
    assert [value for _, value in view.head.options] == [0, 1, 2, MEAN_OF_HEADS]
    assert view.query.max == 10 and view.query.value == 10, "the query starts on the last position"
    assert view.tokens == list("hello world")
    assert view.last_error is None and view.message == ""


def test_choosing_layer_head_and_query_redraws_what_was_chosen():
    view = AttentionHeatmap(previous_token_attention, prompt="abcdef")
    np.testing.assert_array_equal(view.shown_weights(), np.eye(6))
    pngs = {view.live.last_png}
    view.layer.value = 1
    np.testing.assert_array_equal(view.shown_weights()[3], np.eye(6, k=-1)[3]), "layer 1 head 0 looks one back"
    pngs.add(view.live.last_png)
    view.head.value = 1
    np.testing.assert_array_equal(view.shown_weights(), np.eye(6))
    pngs.add(view.live.last_png)
    view.query.value = 2
    pngs.add(view.live.last_png)
    assert view.draw_count == 4
    assert len(pngs) == 4, "every change of a control shows a different picture"


def test_mean_of_heads_averages_the_layer():
    view = AttentionHeatmap(fake_attention, prompt="attention")
    view.layer.value = 1
    view.head.value = MEAN_OF_HEADS
    expected = fake_attention("attention")[1].mean(dim=0).numpy()
    np.testing.assert_allclose(view.shown_weights(), expected, rtol=1e-6)
    np.testing.assert_allclose(view.shown_weights().sum(axis=1), np.ones(9), rtol=1e-6)


def test_editing_the_prompt_recomputes_and_keeps_the_choices():
    prompts = []

    def recording(prompt):
        prompts.append(prompt)
        return fake_attention(prompt)

    view = AttentionHeatmap(recording, prompt="short")
    view.layer.value, view.head.value = 1, 2
    before, count = view.live.last_png, view.draw_count
    view.prompt.value = "a longer prompt"
    assert prompts == ["short", "a longer prompt"]
    assert view.weights.shape[-1] == 15 and view.query.max == 14 and view.query.value == 14
    assert (view.layer.value, view.head.value) == (1, 2)
    assert view.draw_count == count + 1 and view.live.last_png != before
    view.query.value = 3
    view.prompt.value = "tiny"
    assert view.query.value == 3, "a query inside the new prompt stays where it was"
    view.prompt.value = "ab"
    assert view.query.value == 1, "a query past the end moves to the last position"


def test_a_model_with_a_shorter_context_uses_the_last_labels():
    def last_four(prompt):
        return fake_attention(prompt[-4:])

    view = AttentionHeatmap(last_four, prompt="abcdefgh")
    assert view.tokens == list("efgh")
    assert view.weights.shape[-1] == 4


def test_errors_of_an_unfinished_model_are_shown_not_raised():
    def unfinished(prompt):
        raise NotImplementedError()

    view = AttentionHeatmap(unfinished, prompt="abc")
    assert isinstance(view.last_error, NotImplementedError)
    assert view.draw_count == 0
    assert "NotImplementedError" in view.message
    view.layer.value = 0  # touching a control must not raise either

    too_few_labels = AttentionHeatmap(fake_attention, prompt="abcdef", tokens_fn=lambda p: list(p[:2]))
    assert isinstance(too_few_labels.last_error, ValueError) and too_few_labels.draw_count == 0
    assert "labels" in too_few_labels.message


def test_weights_in_every_accepted_form_become_one_array():
    weights = fake_attention("abcd")  # (L, H, T, T)
    expected = weights.numpy().astype(np.float64)
    per_layer_batched = [w[None] for w in weights]  # L tensors of (1, H, T, T), as a model returns them
    for form in (weights, weights.numpy(), list(weights), per_layer_batched, weights[:, None]):
        np.testing.assert_allclose(as_weight_array(form), expected, rtol=1e-7)
    with pytest.raises(ValueError):
        as_weight_array(torch.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError):
        as_weight_array(torch.zeros(3, 4, 4))


def test_whitespace_is_labelled_visibly():
    assert visible_token(" ") == "␣" and visible_token("\n") == "↵" and visible_token("\t") == "→"
    assert visible_token("a b") == "a␣b" and visible_token("x") == "x"


def test_a_failing_prompt_then_a_working_one_recovers():
    def needs_text(prompt):
        if not prompt:
            raise ValueError("empty prompt")
        return fake_attention(prompt)

    view = AttentionHeatmap(needs_text, prompt="abc")
    count = view.draw_count
    view.prompt.value = ""
    assert isinstance(view.last_error, ValueError) and "empty prompt" in view.message
    assert view.draw_count == count
    view.prompt.value = "abcd"
    assert view.last_error is None and view.message == ""
    assert view.draw_count == count + 1 and view.weights.shape[-1] == 4
