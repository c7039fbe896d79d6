"""dlcourse.widgets.TrainingDashboard, driven from Python as a learner's clicks would."""
import time

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.widgets import TrainingDashboard


def make_data(n, seed):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 4, generator=generator)  # (n, 4)
    y = (X[:, 0] + X[:, 1] > 0).long()  # (n,) a linearly separable rule
    return X, y


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))


def plain_step(model, optimizer, xb, yb):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def torch_sgd(params, lr):
    return torch.optim.SGD(params, lr=lr)


def make_dashboard(train_step=plain_step, optimizers=None, **kwargs):
    kwargs.setdefault("epochs", 2)
    return TrainingDashboard(make_model(), train_step, optimizers or {"SGD": torch_sgd},
                             make_data(256, 1), make_data(128, 2), batch_size=32, eval_every=4,
                             min_interval=0.0, **kwargs)


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_training_draws_curves_and_learns():
    dashboard = make_dashboard(lr=0.3)
    first_png, first_count = dashboard.live.last_png, dashboard.draw_count
    assert first_png and first_count >= 1, "the empty dashboard is drawn at once"
    before = weights(dashboard.model)
    dashboard.train()
    assert not dashboard.running and not dashboard.stopped_early
    assert dashboard.steps_done == 2 * 256 // 32
    assert len(dashboard.history["val_acc"]) >= 4
    assert dashboard.history["epoch"][-1] == pytest.approx(2.0)
    assert dashboard.history["val_acc"][-1] > 0.85, "SGD should learn a linear rule"
    assert dashboard.draw_count > first_count and dashboard.live.last_png != first_png
    assert not same(before, weights(dashboard.model))
    assert "finished" in dashboard.status.value
    output = dashboard.live.output.outputs[-1]
    assert output["output_type"] == "display_data" and isinstance(output["data"]["image/png"], str)


def test_stop_button_ends_training_and_keeps_the_weights():
    snapshots = []

    def step_then_click_stop(model, optimizer, xb, yb):
        loss = plain_step(model, optimizer, xb, yb)
        snapshots.append(weights(model))
        if len(snapshots) == 5:
            dashboard.stop_button.click()  # as if pressed during step 5
        return loss

    dashboard = make_dashboard(step_then_click_stop, epochs=10, lr=0.1)
    dashboard.train()
    assert dashboard.stopped_early and not dashboard.running
    assert dashboard.steps_done == 5 < 10 * 256 // 32, "training must end right after the step in which Stop was pressed"
    assert same(weights(dashboard.model), snapshots[-1]), "the model keeps the weights it had when stopped"
    assert "stopped early" in dashboard.status.value
    assert dashboard.train_button.disabled is False and dashboard.stop_button.disabled is True


def test_train_button_trains_in_background_and_stop_button_stops_it():
    def slow_step(model, optimizer, xb, yb):
        time.sleep(0.01)
        return plain_step(model, optimizer, xb, yb)

    dashboard = make_dashboard(slow_step, epochs=30, lr=0.1)
    png_before = dashboard.live.last_png
    dashboard.train_button.click()
    deadline = time.monotonic() + 60  # the first torch.optim step imports torch._dynamo: slow on a busy machine
    while dashboard.steps_done < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert dashboard.running, "the Train button returns at once and trains in the background"
    assert dashboard.train_button.disabled and not dashboard.stop_button.disabled
    dashboard.train()  # a second run while one is going is refused
    assert "Already training" in dashboard.status.value
    dashboard.stop_button.click()
    assert dashboard.wait(timeout=30), "training should stop soon after Stop"
    assert dashboard.stopped_early and 8 <= dashboard.steps_done < 30 * 256 // 32
    kept = weights(dashboard.model)
    time.sleep(0.05)
    assert same(kept, weights(dashboard.model)), "nothing trains after Stop"
    assert dashboard.live.last_png != png_before


def test_controls_choose_optimizer_and_learning_rate():
    made = []

    def recording(kind):
        def factory(params, lr):
            made.append((kind, lr))
            return torch.optim.SGD(params, lr=lr) if kind == "SGD" else torch.optim.Adam(params, lr=lr)
        return factory

    dashboard = make_dashboard(optimizers={"SGD": recording("SGD"), "Adam": recording("Adam")},
                               suggested_lrs={"SGD": 0.1, "Adam": 0.01}, epochs=1)
    assert dashboard.lr.value == pytest.approx(0.1)
    dashboard.optimizer_choice.value = "Adam"
    assert dashboard.lr.value == pytest.approx(0.01), "choosing an optimizer sets its suggested learning rate"
    dashboard.lr.value = 0.001
    dashboard.epochs.value = 1
    dashboard.train()
    assert made == [("Adam", pytest.approx(0.001))]
    assert isinstance(dashboard.optimizer, torch.optim.Adam)
    assert dashboard.steps_done == 256 // 32


def test_learning_rate_slider_changes_the_running_optimizer():
    class LearnerSGD:  # the chapter's optimizers keep the rate in .lr
        def __init__(self, params, lr):
            self.params, self.lr = list(params), lr

        def zero_grad(self):
            for p in self.params:
                p.grad = None

        @torch.no_grad()
        def step(self):
            for p in self.params:
                p -= self.lr * p.grad

    seen = []

    def step(model, optimizer, xb, yb):
        seen.append(optimizer.lr)
        if len(seen) == 3:
            dashboard.lr.value = 0.001
        return plain_step(model, optimizer, xb, yb)

    dashboard = make_dashboard(step, optimizers={"mine": LearnerSGD}, lr=0.1, epochs=1)
    dashboard.train()
    assert seen[0] == pytest.approx(0.1) and seen[-1] == pytest.approx(0.001)


def test_a_failing_exercise_shows_a_message_instead_of_raising():
    def unfinished(params, lr):
        raise NotImplementedError()

    dashboard = make_dashboard(optimizers={"SGD": unfinished})
    before = weights(dashboard.model)
    dashboard.train()  # must not raise
    assert isinstance(dashboard.last_error, NotImplementedError)
    assert "NotImplementedError" in dashboard.status.value
    assert not dashboard.running and same(before, weights(dashboard.model))
    assert not dashboard.train_button.disabled


def test_reset_restores_initial_weights_and_clears_curves():
    dashboard = make_dashboard(lr=0.3, epochs=1)
    initial = weights(dashboard.model)
    dashboard.train()
    assert dashboard.history["step"] and not same(initial, weights(dashboard.model))
    png_trained = dashboard.live.last_png
    dashboard.reset_button.click()
    assert same(initial, weights(dashboard.model))
    assert dashboard.history["step"] == [] and dashboard.steps_done == 0
    assert dashboard.live.last_png != png_trained


def test_redraw_is_throttled_during_training():
    dashboard = TrainingDashboard(make_model(), plain_step, {"SGD": torch_sgd}, make_data(256, 1),
                                  make_data(128, 2), batch_size=8, eval_every=1, epochs=1, min_interval=60.0)
    count = dashboard.draw_count
    dashboard.train()
    assert dashboard.history["step"] == list(range(33)), "one point before training, then one per step"
    assert dashboard.draw_count - count <= 2, "a long min_interval allows only the final forced draw"
