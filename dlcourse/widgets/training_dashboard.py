"""A live training dashboard: loss and accuracy curves while a classifier trains, with a Stop button."""
from __future__ import annotations

import copy
import threading
from typing import Any, Callable, Iterable

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget

# (params, lr) -> an optimizer with .step() and .zero_grad(): the learner's SGD or Adam, or torch's.
OptimizerFactory = Callable[[Iterable[torch.Tensor], float], Any]
# (model, optimizer, x_batch, y_batch) -> the batch's loss as a float: the learner's training step.
TrainStep = Callable[[nn.Module, Any, torch.Tensor, torch.Tensor], float]
# (model, X, y) -> (mean loss, accuracy in [0, 1]).
Evaluate = Callable[[nn.Module, torch.Tensor, torch.Tensor], tuple[float, float]]


@torch.no_grad()
def evaluate_classifier(model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                        batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (X, y), in eval mode (no dropout)."""
    was_training = model.training
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        logits = model(X[start:start + batch_size])  # (B, classes)
        target = y[start:start + batch_size]
        total_loss += F.cross_entropy(logits, target, reduction="sum").item()
        correct += (logits.argmax(dim=1) == target).sum().item()
    model.train(was_training)
    return total_loss / len(X), correct / len(X)


class TrainingDashboard(LiveWidget):
    """Trains a classifier with *your* optimizer and training step and plots it live.

    The dashboard holds no training rule of its own: each step calls
    ``train_step(model, optimizer, x_batch, y_batch)`` and the optimizer comes from
    ``optimizers[name](params, lr)``, both written in the notebook.

    - **Train** trains for the chosen number of epochs, continuing from the
      model's current weights with a fresh optimizer. Pressed as a button it
      trains in a background thread, so the **Stop** button (and the learning-rate
      slider) respond while it runs; ``train()`` called in a cell trains in that
      cell, and Jupyter's *Interrupt* stops it.
    - **Stop** ends training after the current step; the model keeps its weights.
    - **Reset** puts the weights back to those the model had when the dashboard
      was made, and clears the curves.
    - Moving the learning-rate slider during training changes the rate of the
      running optimizer (through its ``lr`` attribute or torch's ``param_groups``).

    ``history`` holds the curves: step, epoch, train_loss, train_acc, val_loss, val_acc, lr.
    """

    def __init__(self, model: nn.Module, train_step: TrainStep, optimizers: dict[str, OptimizerFactory],
                 train_data: tuple[torch.Tensor, torch.Tensor], val_data: tuple[torch.Tensor, torch.Tensor],
                 lr: float = 0.1, epochs: int = 3, batch_size: int = 64, eval_every: int = 25,
                 suggested_lrs: dict[str, float] | None = None, evaluate: Evaluate = evaluate_classifier,
                 seed: int = 0, min_interval: float = 0.5):
        if not optimizers:
            raise ValueError(t("optimizers must name at least one factory, e.g. {example}",
                               example="{'SGD': lambda params, lr: SGD(params, lr)}"))
        # Drawn from the training thread as well as from cells.
        super().__init__(figsize=(8.5, 3.4), min_interval=min_interval, from_any_thread=True,
                         status=t("Ready: press Train."))
        self.model = model
        self.train_step = train_step
        self.optimizers = dict(optimizers)
        self.suggested_lrs = dict(suggested_lrs or {})
        self.evaluate = evaluate
        self.batch_size = batch_size
        self.eval_every = eval_every
        self.X_train, self.y_train = train_data
        self.X_val, self.y_val = val_data
        self.optimizer = None  # the optimizer of the current or last run
        self.initial_state = copy.deepcopy(model.state_dict())
        self.history: dict[str, list[float]] = {}
        self.steps_done = 0  # steps since the last reset
        self.stopped_early = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False
        self._lock = threading.Lock()  # one figure, drawn by one thread at a time
        self._generator = torch.Generator().manual_seed(seed)

        self.optimizer_choice = widgets.Dropdown(options=list(self.optimizers), description=t("optimizer"))
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-4, max=0, step=0.1, description=t("learning rate"),
                                         readout_format=".4f", continuous_update=False)
        self.epochs = widgets.IntSlider(value=epochs, min=1, max=30, description=t("epochs"), continuous_update=False)
        self.train_button = widgets.Button(description=t("Train"), button_style="success", icon="play")
        self.stop_button = widgets.Button(description=t("Stop"), button_style="danger", icon="stop", disabled=True)
        self.reset_button = widgets.Button(description=t("Reset weights"), icon="undo")
        self.optimizer_choice.observe(self._on_optimizer_change, names="value")
        self.lr.observe(self._on_lr_change, names="value")
        self.train_button.on_click(lambda _button: self.train(background=True))
        self.stop_button.on_click(lambda _button: self.stop())
        self.reset_button.on_click(lambda _button: self.reset())
        self._on_optimizer_change()
        self.widget = self.compose([self.optimizer_choice, self.lr, self.epochs],
                                   [self.train_button, self.stop_button, self.reset_button])
        self._clear_history()
        self.redraw()

    # -- what tests and learners read ------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    # -- controls ----------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the running training to end after its current step."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for background training to finish; return whether it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def reset(self) -> None:
        """Restore the initial weights and clear the curves (ignored while training)."""
        if self.running:
            self.status.value = t("Stop training before resetting.")
            return
        self.model.load_state_dict(self.initial_state)
        self.optimizer = None
        self.steps_done = 0
        self.stopped_early = False
        self._clear_history()
        self.status.value = t("Weights reset to their initial values.")
        self.redraw()

    def _on_optimizer_change(self, _change=None) -> None:
        name = self.optimizer_choice.value
        if name in self.suggested_lrs and not self.running:
            self.lr.value = self.suggested_lrs[name]

    def _on_lr_change(self, change) -> None:
        if self.running and self.optimizer is not None:
            _set_learning_rate(self.optimizer, change["new"])

    # -- training ------------------------------------------------------------------------

    def train(self, background: bool = False) -> threading.Thread | None:
        """Train for ``epochs.value`` epochs with the chosen optimizer and learning rate.

        With ``background=True`` (the Train button) training runs in a thread and
        this returns it at once; otherwise it returns when training has ended.
        """
        if self.running:
            self.status.value = t("Already training: press Stop first.")
            return None
        self._running = True
        self._stop.clear()
        self.train_button.disabled, self.stop_button.disabled, self.reset_button.disabled = True, False, True
        if background:
            self._thread = threading.Thread(target=self._run, name="training-dashboard", daemon=True)
            self._thread.start()
            return self._thread
        self._run()
        return None

    def _run(self) -> None:
        name, lr, epochs = self.optimizer_choice.value, self.lr.value, self.epochs.value
        self.stopped_early, self.last_error = False, None
        try:
            # The curves keep what was drawn; the status line says what your code raised.
            succeeded, outcome = self.guarded(
                lambda: self._train(name, lr, epochs),
                "Cannot train: your code raised {error}. The model keeps the weights it had.", in_figure=False)
        finally:
            self._running = False
            self.train_button.disabled, self.stop_button.disabled, self.reset_button.disabled = False, True, False
        if succeeded:
            how_it_ended, steps_this_run = outcome
            accuracy = t(", validation accuracy {accuracy:.1%}", accuracy=self.history["val_acc"][-1]) \
                if self.history["val_acc"] else ""
            self.status.value = t("{name}: {ended} after {steps} steps ({total} since reset){accuracy}. "
                                  "The model keeps its weights.", name=name, ended=t(how_it_ended),
                                  steps=steps_this_run, total=self.steps_done, accuracy=accuracy)
        self.redraw()

    def _train(self, name: str, lr: float, epochs: int) -> tuple[str, int]:
        """The training loop; returns how it ended and how many steps it took."""
        steps_this_run = 0
        try:
            device = next(self.model.parameters()).device
            X, y = self.X_train.to(device), self.y_train.to(device)
            X_val, y_val = self.X_val.to(device), self.y_val.to(device)
            self.optimizer = self.optimizers[name](self.model.parameters(), lr)
            steps_per_epoch = -(-len(X) // self.batch_size)
            self.status.value = t("Training with {name}, learning rate {lr:.4g}, for {epochs} epochs...", name=name, lr=lr,
                                  epochs=epochs)
            if not self.history["step"]:
                self._record(X, y, X_val, y_val, steps_per_epoch)  # the curves start from the initial weights
            for _epoch in range(epochs):
                order = torch.randperm(len(X), generator=self._generator).to(device)
                for start in range(0, len(X), self.batch_size):
                    if self._stop.is_set():
                        raise _StopRequested
                    batch = order[start:start + self.batch_size]
                    self.model.train()
                    loss = float(self.train_step(self.model, self.optimizer, X[batch], y[batch]))
                    self.steps_done += 1
                    steps_this_run += 1
                    if self.steps_done % self.eval_every == 0 or steps_this_run % steps_per_epoch == 0:
                        self._record(X, y, X_val, y_val, steps_per_epoch)
                        self.status.value = t("{name}, lr {lr:.4g}: step {step}, batch loss {loss:.3f}, "
                                              "validation accuracy {accuracy:.1%}", name=name, lr=self.lr.value,
                                              step=self.steps_done, loss=loss, accuracy=self.history["val_acc"][-1])
                        self.redraw(force=False)
        except (_StopRequested, KeyboardInterrupt):
            self.stopped_early = True
            return "stopped early", steps_this_run
        return "finished", steps_this_run

    def _record(self, X, y, X_val, y_val, steps_per_epoch: int) -> None:
        subset = slice(0, min(len(X), 1000))  # a fixed slice keeps evaluation cheap and comparable
        train_loss, train_acc = self.evaluate(self.model, X[subset], y[subset])
        val_loss, val_acc = self.evaluate(self.model, X_val, y_val)
        for key, value in (("step", self.steps_done), ("epoch", self.steps_done / steps_per_epoch),
                           ("train_loss", train_loss), ("train_acc", train_acc), ("val_loss", val_loss),
                           ("val_acc", val_acc), ("lr", self.lr.value)):
            self.history[key].append(float(value))

    def _clear_history(self) -> None:
        self.history = {key: [] for key in ("step", "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr")}

    # -- drawing -------------------------------------------------------------------------

    def redraw(self, force: bool = True) -> bool:
        with self._lock:  # one figure, drawn by one thread at a time
            return super().redraw(force)

    def plot(self, fig, _state=None) -> None:
        """The loss and accuracy curves so far; the status line is the training loop's."""
        loss_ax, acc_ax = fig.subplots(1, 2)
        h = self.history
        if h["epoch"]:
            loss_ax.plot(h["epoch"], h["train_loss"], label=t("training"), color="tab:blue")
            loss_ax.plot(h["epoch"], h["val_loss"], label=t("validation"), color="tab:orange")
            acc_ax.plot(h["epoch"], h["train_acc"], label=t("training"), color="tab:blue")
            acc_ax.plot(h["epoch"], h["val_acc"], label=t("validation"), color="tab:orange")
            loss_ax.legend(fontsize=8)
            acc_ax.set_title(t("accuracy (validation {accuracy:.1%})", accuracy=h["val_acc"][-1]), fontsize=10)
        else:
            acc_ax.set_title(t("accuracy"), fontsize=10)
            loss_ax.text(0.5, 0.5, t("press Train"), ha="center", va="center", transform=loss_ax.transAxes)
        loss_ax.set_title(t("cross-entropy loss"), fontsize=10)
        for ax in (loss_ax, acc_ax):
            ax.set_xlabel(t("epoch"))
        acc_ax.set_ylim(0, 1)
        fig.tight_layout()


class _StopRequested(Exception):
    """Raised inside the loop when Stop was pressed; never leaves the dashboard."""


def _set_learning_rate(optimizer: Any, lr: float) -> None:
    """Change a running optimizer's rate: torch keeps it in param_groups, the chapter's classes in .lr."""
    if hasattr(optimizer, "param_groups"):
        for group in optimizer.param_groups:
            group["lr"] = lr
    if hasattr(optimizer, "lr"):
        optimizer.lr = lr
