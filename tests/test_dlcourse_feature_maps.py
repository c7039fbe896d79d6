"""dlcourse.widgets.FeatureMapExplorer, driven from Python as a learner's clicks would."""
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

import dlcourse as dl
from dlcourse.widgets import FeatureMapExplorer


def small_cnn(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 4, 3, padding=1)),  # (N, 4, 12, 12)
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),  # (N, 4, 6, 6)
        ("conv2", nn.Conv2d(4, 6, 3, padding=1)),  # (N, 6, 6, 6)
        ("relu2", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("classifier", nn.Linear(6 * 36, 3)),
    ]))


def images(n=5, seed=1):
    return torch.randn(n, 12, 12, generator=torch.Generator().manual_seed(seed))  # (n, 12, 12)


def test_is_exported_from_the_widgets_package():
    assert dl.widgets.FeatureMapExplorer is FeatureMapExplorer


def test_lists_the_4d_layers_in_order_with_the_convolution_feeding_each():
    explorer = FeatureMapExplorer(small_cnn(), images())
    assert explorer.layer_names == ["conv1", "relu1", "pool1", "conv2", "relu2"]
    assert explorer.convolution_of == {"conv1": "conv1", "relu1": "conv1", "pool1": "conv1",
                                       "conv2": "conv2", "relu2": "conv2"}
    assert explorer.layer.value == "conv1" and explorer.image_index.max == 4


def test_feature_maps_and_filters_are_the_models_own():
    model, batch = small_cnn(), images()
    explorer = FeatureMapExplorer(model, batch, layer="conv1", index=2)
    expected = model.conv1(batch[2:3, None]).detach().numpy()[0]  # (4, 12, 12)
    np.testing.assert_allclose(explorer.feature_maps, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(explorer.filters, model.conv1.weight.detach().numpy()[:, 0])  # one input channel
    probabilities = torch.softmax(model(batch[2:3, None]), dim=1).detach().numpy()[0]
    np.testing.assert_allclose(explorer.probabilities, probabilities, rtol=1e-5, atol=1e-6)
    assert explorer.probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_conv_with_several_inputs_shows_each_filters_strongest_slice():
    model = small_cnn()
    explorer = FeatureMapExplorer(model, images(), layer="conv2")
    weight = model.conv2.weight.detach().numpy()  # (6, 4, 3, 3)
    strongest = np.abs(weight).sum(axis=(2, 3)).argmax(axis=1)
    np.testing.assert_array_equal(explorer.filter_channels, strongest)
    np.testing.assert_array_equal(explorer.filters, weight[np.arange(6), strongest])


def test_moving_the_slider_and_the_menu_redraws_with_new_maps():
    explorer = FeatureMapExplorer(small_cnn(), images(), labels=[0, 1, 2, 0, 1])
    first_png, first_count, first_maps = explorer.live.last_png, explorer.draw_count, explorer.feature_maps.copy()
    assert first_png.startswith(b"\x89PNG") and first_count == 1

    explorer.image_index.value = 3
    assert explorer.draw_count == first_count + 1
    assert explorer.live.last_png != first_png
    assert explorer.feature_maps.shape == first_maps.shape and not np.allclose(explorer.feature_maps, first_maps)

    shapes = {}
    for name in ("relu1", "pool1", "conv2", "relu2"):
        explorer.layer.value = name
        shapes[name] = explorer.feature_maps.shape
        assert name in explorer.status.value and name in explorer.figure._suptitle.get_text()
    assert shapes == {"relu1": (4, 12, 12), "pool1": (4, 6, 6), "conv2": (6, 6, 6), "relu2": (6, 6, 6)}
    assert (explorer.feature_maps >= 0).all(), "after a ReLU every map is non-negative"
    assert explorer.draw_count == first_count + 5
    # image, 6 filters and 6 maps
    assert len(explorer.figure.axes) == 1 + 6 + 6


def test_max_maps_limits_what_is_drawn_but_not_what_is_computed():
    explorer = FeatureMapExplorer(small_cnn(), images(), layer="conv2", max_maps=2)
    assert explorer.feature_maps.shape[0] == 6
    assert len(explorer.figure.axes) == 1 + 2 + 2
    assert "2 of 6" in explorer.status.value


def test_accepts_numpy_images_with_a_channel_axis_and_keeps_the_training_mode():
    model = small_cnn()
    model.train()
    explorer = FeatureMapExplorer(model, images().numpy()[:, None], layer="pool1")
    assert explorer.feature_maps.shape == (4, 6, 6)
    assert model.training, "the explorer must put the model back in the mode it found it in"


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="4-D output"):
        FeatureMapExplorer(nn.Sequential(nn.Flatten(), nn.Linear(144, 3)), images())
    with pytest.raises(ValueError, match="unknown layer"):
        FeatureMapExplorer(small_cnn(), images(), layer="conv9")
    with pytest.raises(ValueError, match="labels"):
        FeatureMapExplorer(small_cnn(), images(5), labels=[1, 2])
    with pytest.raises(ValueError, match="images must be shaped"):
        FeatureMapExplorer(small_cnn(), torch.zeros(12, 12))


def test_a_failing_model_shows_a_message_instead_of_raising():
    model = small_cnn()
    explorer = FeatureMapExplorer(model, images())
    count = explorer.draw_count

    def broken(_module, _inputs, _output):
        raise RuntimeError("broken layer")

    model.conv2.register_forward_hook(broken)
    explorer.image_index.value = 1  # must not raise inside the widget callback
    assert explorer.draw_count == count
    assert "RuntimeError: broken layer" in explorer.status.value
