"""An epsilon slider over *your* adversarial attack: one image, its perturbation, and accuracy versus epsilon."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np
import torch

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# attack(model, x, y, eps) -> x_adv, e.g. the learner's fgsm_attack from chapter 11.
AttackFn = Callable[[torch.nn.Module, torch.Tensor, torch.Tensor, float], torch.Tensor]


class AdversarialExplorer(LiveWidget):
    """Move ``eps`` and the example slider; the view calls the attack you pass in.

    ``images`` is a batch (N, 1, H, W) in [0, 1] and ``labels`` (N,) its classes.
    The left three panels show one example, the perturbation the attack added
    and the attacked image, each with the model's prediction and confidence.
    The right panel is the model's accuracy on the whole batch against epsilon,
    with the current epsilon marked. Nothing here attacks by itself: with an
    unfinished attack the view says so instead of raising.
    """

    failure = "Cannot draw yet: your attack raised {error}"
    failure_status = ""

    def __init__(self, model: torch.nn.Module, attack: AttackFn, images: torch.Tensor, labels: torch.Tensor,
                 eps: float = 0.1, eps_max: float = 0.3, index: int = 0, curve_points: int = 7):
        if images.dim() != 4 or len(images) != len(labels):
            raise ValueError(t("images must be (N, C, H, W) and labels (N,) with the same N"))
        super().__init__(figsize=(9.0, 2.8))
        self.model = model
        self.attack = attack
        self.images = images
        self.labels = labels
        self.curve_eps = np.linspace(0.0, eps_max, curve_points)
        self.eps = widgets.FloatSlider(value=eps, min=0.0, max=eps_max, step=0.01, description=t("epsilon"),
                                       readout_format=".2f")
        self.example = widgets.IntSlider(value=index, min=0, max=len(images) - 1, description=t("example"))
        self.redraw_on_change(self.eps, self.example)
        self.widget = self.compose([self.eps, self.example])
        self._accuracy_cache: dict[float, float] = {}
        self.last_accuracy: float | None = None
        self.last_prediction: int | None = None
        self.redraw()

    def _device(self) -> torch.device:
        parameter = next(self.model.parameters(), None)
        return parameter.device if parameter is not None else torch.device("cpu")

    def _attacked(self, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
        device = self._device()
        return self.attack(self.model, x.to(device), y.to(device), float(eps)).detach()

    def _probabilities(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return torch.softmax(self.model(x.to(self._device())), dim=1).cpu()  # (N, classes)

    def accuracy_at(self, eps: float) -> float:
        """Accuracy of the model on the attacked batch (cached per epsilon)."""
        key = round(float(eps), 6)
        if key not in self._accuracy_cache:
            attacked = self._attacked(self.images, self.labels, key)
            predictions = self._probabilities(attacked).argmax(dim=1)
            self._accuracy_cache[key] = (predictions == self.labels.cpu()).float().mean().item()
        return self._accuracy_cache[key]

    def compute(self) -> tuple[torch.Tensor, list[float], float]:
        """The attacked example (1, C, H, W), the accuracy curve and the accuracy at the current epsilon."""
        i = self.example.value
        attacked = self._attacked(self.images[i:i + 1], self.labels[i:i + 1], self.eps.value).cpu()
        return attacked, [self.accuracy_at(e) for e in self.curve_eps], self.accuracy_at(self.eps.value)

    def plot(self, fig, state: tuple[torch.Tensor, list[float], float]) -> str:
        attacked, curve, accuracy = state
        eps, i = self.eps.value, self.example.value
        x, y = self.images[i:i + 1], self.labels[i:i + 1]
        before, after = self._probabilities(x)[0], self._probabilities(attacked)[0]
        self.last_accuracy, self.last_prediction = accuracy, int(after.argmax())
        axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 1.6]})
        perturbation = (attacked - x.cpu())[0, 0].numpy()
        limit = max(float(np.abs(perturbation).max()), 1e-6)
        panels = [
            (x[0, 0].cpu().numpy(), "gray_r", 0.0, 1.0,
             t("label {label}: says {said}\n({sure:.0%} sure)", label=int(y), said=int(before.argmax()),
               sure=before.max())),
            (perturbation, "coolwarm", -limit, limit, t("perturbation\n(max {largest:.2f})", largest=np.abs(perturbation).max())),
            (attacked[0, 0].numpy(), "gray_r", 0.0, 1.0,
             t("attacked: says {said}\n({sure:.0%} sure)", said=int(after.argmax()), sure=after.max())),
        ]
        for ax, (image, cmap, low, high, title) in zip(axes, panels):
            ax.imshow(image, cmap=cmap, vmin=low, vmax=high)
            ax.set_title(title, fontsize=9)
            ax.axis("off")
        curve_ax = axes[3]
        curve_ax.plot(self.curve_eps, curve, "o-", color="tab:blue", markersize=3)
        curve_ax.plot([eps], [accuracy], "o", color="crimson", markersize=7)
        curve_ax.set_xlabel(t("epsilon"))
        curve_ax.set_ylabel(t("accuracy on the batch"))
        curve_ax.set_ylim(0, 1.02)
        fig.tight_layout()
        return t("epsilon {eps:.2f}: accuracy {accuracy:.1%} on {n} images", eps=eps, accuracy=accuracy,
                 n=len(self.labels))
