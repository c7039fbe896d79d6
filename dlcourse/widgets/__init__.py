"""Interactive views built on ipywidgets 8; each can be driven from Python.

Every widget keeps its matplotlib figure in ``.figure``, shows it in an
``Output`` area as a PNG, and counts redraws in ``.draw_count`` so tests and
learners can see that moving a control changed the view.
"""
from dlcourse.widgets.adversarial_explorer import AdversarialExplorer
from dlcourse.widgets.attention_heatmap import AttentionHeatmap
from dlcourse.widgets.exposure_explorer import ExposureExplorer
from dlcourse.widgets.feature_maps import FeatureMapExplorer
from dlcourse.widgets.gradient_descent import GradientDescentExplorer
from dlcourse.widgets.live_figure import LiveFigure, LiveWidget
from dlcourse.widgets.slider_plot import SliderPlot
from dlcourse.widgets.text_sampler import TextSampler
from dlcourse.widgets.threshold_explorer import ThresholdExplorer
from dlcourse.widgets.training_dashboard import TrainingDashboard

__all__ = ["AdversarialExplorer", "AttentionHeatmap", "ExposureExplorer", "FeatureMapExplorer", "GradientDescentExplorer", "LiveFigure", "LiveWidget", "SliderPlot", "TextSampler", "ThresholdExplorer", "TrainingDashboard"]
