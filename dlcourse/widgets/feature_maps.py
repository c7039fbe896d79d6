"""Learned filters and the feature maps of one chosen image, layer by layer, for a trained CNN."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from torch import nn

from dlcourse.i18n import t
from dlcourse.widgets.live_figure import LiveWidget


class FeatureMapExplorer(LiveWidget):
    """Shows what a trained convolutional network computes for one image.

    Pick an image with the slider and a layer from the menu. The figure shows the
    image with the model's prediction, the learned filters of the chosen layer
    (for a layer that is not a convolution: those of the convolution feeding it),
    and the layer's feature maps, the channels of its output for that image.

    ``model`` is any ``nn.Module`` taking a batch (N, C, H, W); ``images`` are its
    inputs, exactly as the model expects them (already normalised), shaped
    (N, H, W) or (N, C, H, W); ``labels`` (N,) are optional true classes.
    Layers are the model's leaf modules whose output has four dimensions
    (convolutions, activations, pooling). Nothing is trained here.

    State for tests and learners: ``feature_maps`` (channels, h, w) and
    ``filters`` (filters, kh, kw) as numpy arrays, ``probabilities`` (classes,),
    ``layer_names``, and ``draw_count``.
    """

    failure = "Cannot show this layer: the model raised {error}"

    def __init__(self, model: nn.Module, images, labels=None, layer: str | None = None, index: int = 0,
                 max_maps: int = 16):
        super().__init__(figsize=(9.0, 5.0))
        self.model = model
        self.images = _as_batch(images)  # (N, C, H, W) float32 on the CPU
        self.labels = None if labels is None else np.asarray(labels).reshape(-1)
        if self.labels is not None and len(self.labels) != len(self.images):
            raise ValueError(t("got {images} images but {labels} labels", images=len(self.images), labels=len(self.labels)))
        self.max_maps = max_maps
        self.convolution_of = self._find_layers()
        self.layer_names = list(self.convolution_of)
        if not self.layer_names:
            raise ValueError(t("the model has no layer with a 4-D output (N, C, H, W): is it a convolutional network?"))
        if layer is not None and layer not in self.layer_names:
            raise ValueError(t("unknown layer {layer!r}; choose one of {names}", layer=layer, names=self.layer_names))
        self.image_index = widgets.IntSlider(value=index, min=0, max=len(self.images) - 1, description=t("image"),
                                             continuous_update=False)
        self.layer = widgets.Dropdown(options=self.layer_names, value=layer or self.layer_names[0],
                                      description=t("layer"))
        self.redraw_on_change(self.image_index, self.layer)
        self.widget = self.compose([self.image_index, self.layer])
        self.feature_maps = np.empty((0, 0, 0))
        self.filters = np.empty((0, 0, 0))
        self.probabilities = np.empty(0)
        self.redraw()

    def _find_layers(self) -> dict[str, str | None]:
        """Leaf modules with a 4-D output, in the order they run, each with the convolution feeding it."""
        seen: list[tuple[str, nn.Module]] = []
        hooks = [module.register_forward_hook(lambda module, _inputs, output, name=name: seen.append((name, module))
                                              if isinstance(output, torch.Tensor) and output.dim() == 4 else None)
                 for name, module in self.model.named_modules() if name and not list(module.children())]
        try:
            self._run(self.images[:1])
        finally:
            for hook in hooks:
                hook.remove()
        layers, last_conv = {}, None
        for name, module in seen:
            if isinstance(module, nn.Conv2d):
                last_conv = name
            layers.setdefault(name, last_conv)
        return layers

    def _run(self, batch: torch.Tensor) -> torch.Tensor:
        parameter = next(self.model.parameters(), None)
        device = parameter.device if parameter is not None else torch.device("cpu")
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                return self.model(batch.to(device))
        finally:
            self.model.train(was_training)

    def compute(self) -> None:
        """Run the model on the chosen image and keep the chosen layer's output and filters."""
        name = self.layer.value
        module = dict(self.model.named_modules())[name]
        captured = {}
        hook = module.register_forward_hook(lambda _m, _i, output: captured.update(maps=output))
        try:
            logits = self._run(self.images[self.image_index.value:self.image_index.value + 1])
        finally:
            hook.remove()
        self.feature_maps = captured["maps"][0].detach().float().cpu().numpy()  # (channels, h, w)
        self.probabilities = torch.softmax(logits.detach().float().reshape(1, -1), dim=1)[0].cpu().numpy()
        conv_name = self.convolution_of[name]
        self.filter_source = conv_name
        if conv_name is None:
            self.filters = np.empty((0, 0, 0))
            self.filter_channels = np.empty(0, dtype=int)
            return
        weight = dict(self.model.named_modules())[conv_name].weight.detach().float().cpu().numpy()  # (F, C, kh, kw)
        # A filter has one kh × kw slice per input channel; show the slice it weights most.
        self.filter_channels = np.abs(weight).reshape(*weight.shape[:2], -1).sum(axis=2).argmax(axis=1)
        self.filters = weight[np.arange(len(weight)), self.filter_channels]  # (F, kh, kw)

    def plot(self, fig, _state=None) -> str:
        """Draw the image, the filters and the feature maps that ``compute()`` kept."""
        index, name = self.image_index.value, self.layer.value
        maps = self.feature_maps[: self.max_maps]
        filters = self.filters[: self.max_maps]
        columns = 8
        map_rows = -(-len(maps) // columns)
        filter_rows = -(-len(filters) // columns) if len(filters) else 0
        grid = fig.add_gridspec(filter_rows + map_rows, columns + 3, wspace=0.15, hspace=0.45)
        image_ax = fig.add_subplot(grid[:, :3])
        image = self.images[index]  # (C, H, W)
        image_ax.imshow(image[0].numpy() if image.shape[0] == 1 else _to_rgb(image), cmap="gray_r")
        predicted = int(self.probabilities.argmax())
        truth = "" if self.labels is None else t("true {label}, ", label=self.labels[index])
        image_ax.set_title(t("image {index}\n{truth}predicted {predicted} ({p:.0%})", index=index, truth=truth,
                             predicted=predicted, p=self.probabilities[predicted]),
                           fontsize=9)
        image_ax.axis("off")
        if len(filters):
            limit = float(np.abs(filters).max()) or 1.0
            several_inputs = self.filter_channels.max(initial=0) > 0 or \
                dict(self.model.named_modules())[self.filter_source].in_channels > 1
            for k, kernel in enumerate(filters):
                ax = fig.add_subplot(grid[k // columns, 3 + k % columns])
                ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
                # "f3←c5": filter 3, its slice for input channel 5
                ax.set_title(f"f{k}←c{self.filter_channels[k]}" if several_inputs else t("filter {k}", k=k), fontsize=7)
                ax.axis("off")
        signed = bool((maps < 0).any())
        limit = float(np.abs(maps).max()) or 1.0
        for k, feature_map in enumerate(maps):
            ax = fig.add_subplot(grid[filter_rows + k // columns, 3 + k % columns])
            if signed:
                ax.imshow(feature_map, cmap="RdBu_r", vmin=-limit, vmax=limit)
            else:
                ax.imshow(feature_map, cmap="magma", vmin=0, vmax=limit)
            ax.set_title(t("map {k}", k=k), fontsize=7)
            ax.axis("off")
        kind = type(dict(self.model.named_modules())[name]).__name__
        filter_note = (t("no convolution before this layer") if self.filter_source is None else
                       t("filters of {conv}", conv=self.filter_source)
                       + ("" if self.filter_source == name else t(" (feeding it)")))
        channels, height, width = self.feature_maps.shape  # (channels, h, w)
        fig.suptitle(t("layer {name} ({kind}): {channels} maps of {height}×{width}; top: {note}", name=name,
                       kind=kind, channels=channels, height=height, width=width, note=filter_note), fontsize=9)
        shown = t("showing {n} of {total} maps", n=len(maps), total=channels) if len(maps) < len(self.feature_maps) \
            else t("{n} maps", n=len(maps))
        scale = t("blue negative, red positive") if signed else t("dark 0, bright largest")
        return t("{name}: {shown}; colours share one scale per layer ({scale}).", name=name, shown=shown, scale=scale)


def _as_batch(images) -> torch.Tensor:
    batch = torch.as_tensor(np.asarray(images) if not isinstance(images, torch.Tensor) else images)
    batch = batch.detach().float().cpu()
    if batch.dim() == 3:
        batch = batch.unsqueeze(1)  # (N, H, W) -> (N, 1, H, W)
    if batch.dim() != 4 or len(batch) == 0:
        raise ValueError(t("images must be shaped (N, H, W) or (N, C, H, W) with N >= 1, got {shape}",
                           shape=tuple(batch.shape)))
    return batch


def _to_rgb(image: torch.Tensor) -> np.ndarray:
    """(C, H, W) with C >= 3 -> (H, W, 3) scaled to [0, 1] for display."""
    rgb = image[:3].permute(1, 2, 0).numpy()
    low, high = rgb.min(), rgb.max()
    return (rgb - low) / (high - low) if high > low else np.zeros_like(rgb)
