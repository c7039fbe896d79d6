"""AdversarialExplorer driven from Python, with an attack written here (not the chapter's answer)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

import dlcourse as dl


def reference_attack(model, x, y, eps):
    """Sign of the loss gradient, written independently of any notebook."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), y), x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def toy_problem():
    """A linear classifier on 4x4 images that tells a bright left half from a bright right half."""
    torch.manual_seed(0)
    n = 40
    labels = torch.arange(n) % 2  # (n,)
    images = 0.3 * torch.rand(n, 1, 4, 4)
    images[labels == 0, :, :, :2] += 0.5
    images[labels == 1, :, :, 2:] += 0.5
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 2))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[1.0] * 2 + [-1.0] * 2] * 4).reshape(1, 16).repeat(2, 1)
                              * torch.tensor([[1.0], [-1.0]]))
        model[1].bias.zero_()
    return model.eval(), images, labels


def test_moving_epsilon_redraws_and_lowers_accuracy():
    model, images, labels = toy_problem()
    view = dl.widgets.AdversarialExplorer(model, reference_attack, images, labels, eps=0.0, eps_max=0.5)
    assert view.draw_count == 1
    assert view.last_accuracy == 1.0, "the toy model is perfect on clean images"
    before = view.live.last_png
    view.eps.value = 0.5
    assert view.draw_count == 2
    assert view.live.last_png != before
    assert view.last_accuracy < 0.5, "a large epsilon must break the toy model"
    assert "accuracy" in view.status.value


def test_example_slider_changes_the_view_and_the_curve_is_cached():
    model, images, labels = toy_problem()
    calls = []

    def counting_attack(model, x, y, eps):
        calls.append(len(x))
        return reference_attack(model, x, y, eps)

    view = dl.widgets.AdversarialExplorer(model, counting_attack, images, labels, eps=0.1, curve_points=4)
    first_calls = len(calls)
    before = view.live.last_png
    view.example.value = 1
    assert view.draw_count == 2 and view.live.last_png != before
    assert len(calls) == first_calls + 1, "only the shown example is attacked again; the curve is cached"


def test_an_unfinished_attack_shows_a_message_instead_of_raising():
    model, images, labels = toy_problem()

    def unfinished(model, x, y, eps):
        raise NotImplementedError

    view = dl.widgets.AdversarialExplorer(model, unfinished, images, labels)
    view.eps.value = 0.2  # must not raise inside the widget callback
    assert view.draw_count == 0
    assert view.last_accuracy is None
