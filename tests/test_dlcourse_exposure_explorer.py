"""dlcourse.widgets.ExposureExplorer, driven from Python as a learner's drags would."""
import math

import numpy as np
import pytest

import dlcourse as dl


def exposure(canary_log_prob, other_log_probs):
    """Written here, independently of any notebook: log2(M + 1) - log2(1 + #strictly higher)."""
    others = np.asarray(other_log_probs)
    return math.log2(len(others) + 1) - math.log2(1 + int(np.sum(others > canary_log_prob)))


def make_scores(n_checkpoints=3, repetitions=(1, 4, 16), m=255, seed=0):
    """Canaries that climb through their candidates faster the more copies they have."""
    rng = np.random.default_rng(seed)
    checkpoints = []
    for k in range(n_checkpoints):
        scores = []
        for r in repetitions:
            others = rng.normal(-20.0, 2.0, m)
            scores.append((float(-20.0 + 0.5 * r * (k + 1) ** 0.5), others))
        checkpoints.append(scores)
    return checkpoints


def test_moving_the_checkpoint_recomputes_with_the_given_function_and_redraws():
    checkpoints = make_scores()
    explorer = dl.widgets.ExposureExplorer(exposure, checkpoints, [1, 4, 16], labels=["epoch 1", "epoch 2", "epoch 3"])
    assert explorer.draw_count == 1 and explorer.live.last_png.startswith(b"\x89PNG")
    assert explorer.checkpoint.value == 0, "opens at the first checkpoint so that there is somewhere to move"
    assert explorer.exposures() == pytest.approx([exposure(lp, o) for lp, o in checkpoints[0]])
    png = explorer.live.last_png
    explorer.checkpoint.value = 2
    assert explorer.draw_count == 2 and explorer.live.last_png != png
    assert explorer.checkpoint_label.value == "epoch 3"
    assert explorer.exposures() == pytest.approx([exposure(lp, o) for lp, o in checkpoints[2]])
    assert "16×" in explorer.status.value and "bits" in explorer.status.value
    explorer.canary.value = 0
    assert explorer.draw_count == 3


def test_means_per_repetition_level_and_compared_runs():
    checkpoints = make_scores(repetitions=(1, 1, 16, 16))
    final = checkpoints[-1]
    flat = [(lp, others) for lp, others in reversed(final)]  # a different run: canaries swapped round
    explorer = dl.widgets.ExposureExplorer(exposure, checkpoints, [1, 1, 16, 16], compare={"de-duplicated": flat})
    values = explorer.exposures(checkpoint=1)
    assert explorer.mean_by_repetitions(values) == pytest.approx([np.mean(values[:2]), np.mean(values[2:])])
    assert explorer.exposures(run="de-duplicated") == pytest.approx([exposure(lp, o) for lp, o in flat])
    assert explorer.canary.value == 2, "opens on the most repeated canary"


def test_an_unfinished_exposure_is_reported_not_raised():
    def unfinished(*args):
        raise NotImplementedError()

    explorer = dl.widgets.ExposureExplorer(unfinished, make_scores(), [1, 4, 16])
    explorer.checkpoint.value = 1  # must not raise inside the widget callback
    assert explorer.draw_count == 0
    assert isinstance(explorer.last_error, NotImplementedError)
    assert "Finish" in explorer.status.value


def test_the_function_receives_a_float_and_a_numpy_array():
    seen = []

    def spy(canary_log_prob, other_log_probs):
        seen.append((type(canary_log_prob), type(other_log_probs), other_log_probs.ndim))
        return exposure(canary_log_prob, other_log_probs)

    dl.widgets.ExposureExplorer(spy, make_scores(n_checkpoints=1), [1, 4, 16])
    assert seen and all(s == (float, np.ndarray, 1) for s in seen)


def test_bad_inputs_are_refused():
    checkpoints = make_scores()
    with pytest.raises(ValueError, match="one .* pair per canary"):
        dl.widgets.ExposureExplorer(exposure, checkpoints, [1, 4])
    with pytest.raises(ValueError, match="one label per checkpoint"):
        dl.widgets.ExposureExplorer(exposure, checkpoints, [1, 4, 16], labels=["only one"])
    with pytest.raises(ValueError, match="compared run"):
        dl.widgets.ExposureExplorer(exposure, checkpoints, [1, 4, 16], compare={"x": checkpoints[0][:2]})
