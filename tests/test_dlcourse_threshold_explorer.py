"""dlcourse.widgets.ThresholdExplorer, driven from Python as a learner's drags would."""
import numpy as np
import pytest

import dlcourse as dl


def parity_gap(y_pred, group):
    """Written here, independently of any notebook."""
    rates = [y_pred[group == g].mean() for g in np.unique(group)]
    return float(max(rates) - min(rates))


def odds_gap(y_true, y_pred, group):
    tprs = [y_pred[(group == g) & (y_true == 1)].mean() for g in np.unique(group)]
    fprs = [y_pred[(group == g) & (y_true == 0)].mean() for g in np.unique(group)]
    return float(max(max(tprs) - min(tprs), max(fprs) - min(fprs)))


def make_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.4, "B", "A")
    y_true = (rng.random(n) < np.where(group == "A", 0.6, 0.4)).astype(int)
    scores = np.clip(0.5 * y_true + 0.35 * rng.random(n) + np.where(group == "A", 0.1, 0.0), 0, 1)
    return scores, y_true, group


def make_explorer(**kwargs):
    scores, y_true, group = make_data()
    return dl.widgets.ThresholdExplorer(scores, y_true, group, parity_gap, odds_gap, **kwargs), (scores, y_true, group)


def test_moving_a_threshold_recomputes_with_the_given_functions_and_redraws():
    explorer, (scores, y_true, group) = make_explorer()
    assert explorer.draw_count == 1 and explorer.live.last_png.startswith(b"\x89PNG")
    first = explorer.metrics()
    expected = (scores >= 0.5).astype(int)
    assert first["accuracy"] == pytest.approx((expected == y_true).mean())
    assert first["parity_gap"] == pytest.approx(parity_gap(expected, group))
    png = explorer.live.last_png
    explorer.sliders["B"].value = 0.3
    assert explorer.draw_count == 2 and explorer.live.last_png != png
    second = explorer.metrics()
    assert second["thresholds"] == {"A": 0.5, "B": 0.3}
    assert second["groups"]["B"]["selection_rate"] > first["groups"]["B"]["selection_rate"]
    assert second["groups"]["A"] == first["groups"]["A"], "group A's threshold did not move"
    assert len(explorer.history) == 2
    assert "accuracy" in explorer.status.value


def test_predictions_use_each_groups_own_threshold():
    explorer, (scores, _, group) = make_explorer()
    explorer.set_thresholds({"A": 0.7, "B": 0.2})
    expected = np.where(group == "A", scores >= 0.7, scores >= 0.2).astype(np.int64)
    assert np.array_equal(explorer.predictions(), expected)
    assert explorer.draw_count == 2, "set_thresholds redraws once, not once per slider"
    explorer.reset_button.click()
    assert explorer.thresholds() == {"A": 0.5, "B": 0.5}


def test_the_functions_receive_numpy_decisions_and_groups():
    seen = {}

    def spy_parity(y_pred, group):
        seen["parity"] = (type(y_pred), y_pred.dtype, type(group))
        return parity_gap(y_pred, group)

    scores, y_true, group = make_data()
    dl.widgets.ThresholdExplorer(scores, y_true, group, spy_parity, odds_gap)
    assert seen["parity"] == (np.ndarray, np.int64, np.ndarray)


def test_an_unfinished_metric_is_reported_not_raised():
    def unfinished(*args):
        raise NotImplementedError()

    scores, y_true, group = make_data()
    explorer = dl.widgets.ThresholdExplorer(scores, y_true, group, unfinished, odds_gap)
    explorer.sliders["A"].value = 0.4  # must not raise inside the widget callback
    assert explorer.draw_count == 0
    assert isinstance(explorer.last_error, NotImplementedError)
    assert "Finish" in explorer.status.value


def test_bad_inputs_are_refused():
    scores, y_true, group = make_data()
    with pytest.raises(ValueError, match="same length"):
        dl.widgets.ThresholdExplorer(scores[:-1], y_true, group, parity_gap, odds_gap)
    with pytest.raises(ValueError, match="two groups"):
        dl.widgets.ThresholdExplorer(scores, y_true, np.zeros_like(y_true), parity_gap, odds_gap)
