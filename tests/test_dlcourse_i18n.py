"""dlcourse speaks the notebook's language: detection, the catalog, and every widget under zh and en."""
from __future__ import annotations

import ast
import re
import string
import warnings
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from matplotlib.text import Text
from torch import nn

import dlcourse as dl
from dlcourse import i18n
from dlcourse.i18n_zh import ZH
from dlcourse.surfaces import SURFACES

DLCOURSE = Path(dl.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Keys looked up with a value computed at run time, which the source scan below cannot see.
DYNAMIC_KEYS = [*SURFACES, "stopped early", "finished"]


@pytest.fixture(autouse=True)
def follow_the_notebook(monkeypatch):
    """Each test starts outside JupyterLab with no language chosen, and leaves none chosen."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    dl.set_language(None)
    yield
    dl.set_language(None)


# -- choosing the language ------------------------------------------------------------------------

def test_language_follows_the_notebook_jupyterlab_runs(monkeypatch, tmp_path):
    assert dl.language() == "en"  # no notebook: a script, a test, a terminal
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "01_gradient_descent" / "01_gradient_descent.zh.ipynb"))
    assert dl.language() == "zh"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "01_gradient_descent" / "01_gradient_descent.ipynb"))
    assert dl.language() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", "zh.ipynb/01_gradient_descent.ipynb")  # only the file name counts
    assert dl.language() == "en"


def test_language_follows_the_notebook_vs_code_runs(monkeypatch, tmp_path):
    # VS Code does not set JPY_SESSION_NAME; it defines __vsc_ipynb_file__ in the kernel's namespace.
    # A stand-in shell: starting a real global IPython here would change other tests in this process.
    import IPython

    shell = SimpleNamespace(user_ns={"__vsc_ipynb_file__": str(tmp_path / "06_attention_and_transformers.zh.ipynb")})
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert dl.language() == "zh"
    shell.user_ns["__vsc_ipynb_file__"] = str(tmp_path / "06_attention_and_transformers.ipynb")
    assert dl.language() == "en"
    shell.user_ns.clear()
    assert dl.language() == "en"


def test_set_language_overrides_the_notebook_and_none_follows_it_again(monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/04_convolutional_networks.zh.ipynb")
    dl.set_language("en")
    assert dl.language() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/04_convolutional_networks.ipynb")
    dl.set_language("zh")
    assert dl.language() == "zh"
    dl.set_language(None)
    assert dl.language() == "en"


@pytest.mark.parametrize("wrong", ["fr", "ZH", "chinese", ""])
def test_set_language_rejects_other_languages_in_one_clear_line(wrong):
    with pytest.raises(ValueError) as raised:
        dl.set_language(wrong)
    message = str(raised.value)
    assert "\n" not in message and "'en'" in message and "'zh'" in message and repr(wrong) in message
    assert dl.language() == "en"  # the failed call changed nothing


def test_t_translates_then_formats_and_falls_back_to_english():
    text = "Loss {first:.3g} → {last:.3g} after {steps} steps."
    assert i18n.t(text, first=2.0, last=0.01234, steps=30) == "Loss 2 → 0.0123 after 30 steps."
    dl.set_language("zh")
    assert i18n.t(text, first=2.0, last=0.01234, steps=30) == "30 步后损失 2 → 0.0123。"
    assert i18n.t("a message nobody translated: {x}", x=1) == "a message nobody translated: 1"
    assert i18n.t("Cannot draw yet: {error}") == "暂时无法绘图：{error}"  # no values: left to format later


# -- the catalog ----------------------------------------------------------------------------------

def _keys_in_source() -> dict[str, str]:
    """English keys dlcourse looks up: t()/translate() literals, widgets' failure texts, guarded() messages."""
    keys: dict[str, str] = {}
    for path in sorted(DLCOURSE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and \
                    getattr(node.func, "id", None) in ("t", "translate"):
                literal = node.args[0].value
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "guarded" and \
                    len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                literal = node.args[1].value
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value and \
                    any(getattr(target, "id", "") in ("failure", "failure_status") for target in node.targets):
                literal = node.value.value
            if isinstance(literal, str):
                keys.setdefault(literal, path.name)
    return keys


def _fields(text: str) -> list[tuple[str, str, str]]:
    return sorted((name, spec, conversion or "") for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


def test_every_text_dlcourse_shows_has_a_chinese_translation_with_the_same_placeholders():
    keys = _keys_in_source()
    assert len(keys) > 120  # the scan found the widgets' and helpers' texts, not nothing
    missing = [f"{where}: {key!r}" for key, where in keys.items() if key not in ZH]
    assert not missing, "no Chinese translation in dlcourse/i18n_zh.py for:\n" + "\n".join(missing)
    assert not [key for key in DYNAMIC_KEYS if key not in ZH]
    unused = set(ZH) - set(keys) - set(DYNAMIC_KEYS)
    assert not unused, f"translations of texts dlcourse no longer shows: {sorted(unused)}"
    for english, chinese in ZH.items():
        assert _fields(english) == _fields(chinese), f"placeholders differ: {english!r} -> {chinese!r}"
        assert english == ", " or CJK.search(chinese), f"not translated: {english!r}"


def test_check_your_work_speaks_the_edition_of_the_notebook(tmp_path, capsys):
    assert dl.check_your_work("01_gradient_descent", tmp_path / "01_gradient_descent.zh.ipynb") == 2
    assert capsys.readouterr().out.startswith("找不到已保存的笔记本")
    assert dl.check_your_work("01_gradient_descent", tmp_path / "01_gradient_descent.ipynb") == 2
    assert capsys.readouterr().out.startswith("Cannot find the saved notebook")


def test_helpers_raise_learner_mistakes_in_chinese():
    dl.set_language("zh")
    with pytest.raises(ValueError, match="n_test 必须是 10 到 4990 之间 10 的倍数，收到的是 7"):
        dl.data.load_mnist(n_test=7)
    with pytest.raises(ValueError, match="seed 必须是非负整数"):
        dl.seed_everything(-1)
    dl.set_language("en")
    with pytest.raises(ValueError, match="n_test must be a multiple of 10 between 10 and 4990, got 7"):
        dl.data.load_mnist(n_test=7)


# -- every widget, under zh and en ------------------------------------------------------------------

def _descent(grad, x0, lr, steps):
    path = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.stack(path)  # (steps + 1, 2)


def _tiny_cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 8 * 8, 10))


def _training_dashboard():
    torch.manual_seed(0)
    X, y = torch.randn(32, 4), torch.randint(0, 3, (32,))

    def step(model, optimizer, xb, yb):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss.item()

    dashboard = dl.widgets.TrainingDashboard(nn.Linear(4, 3), step, {"SGD": lambda p, lr: torch.optim.SGD(p, lr)},
                                             (X, y), (X, y), epochs=1, batch_size=16, min_interval=0.0)
    dashboard.train()  # two steps in this cell: the status line and the curves of a finished run
    return dashboard


def _exposure(canary_log_prob, others):
    rank = 1 + int((np.asarray(others) > canary_log_prob).sum())
    return float(np.log2(len(others) + 1) - np.log2(rank))


rng = np.random.default_rng(0)
WIDGETS = {
    "GradientDescentExplorer": lambda: dl.widgets.GradientDescentExplorer(_descent, steps=5),
    "AdversarialExplorer": lambda: dl.widgets.AdversarialExplorer(
        _tiny_cnn(), lambda model, x, y, eps: (x + eps).clamp(0, 1), torch.rand(4, 1, 8, 8),
        torch.tensor([0, 1, 2, 3]), curve_points=3),
    "AttentionHeatmap": lambda: dl.widgets.AttentionHeatmap(
        lambda prompt: np.tril(np.ones((1, 2, len(prompt), len(prompt)))) /
        np.arange(1, len(prompt) + 1)[:, None], prompt="abc", figsize=(4, 4)),
    "ExposureExplorer": lambda: dl.widgets.ExposureExplorer(
        _exposure, [[(-3.0, rng.normal(-5, 1, 30)), (-4.0, rng.normal(-5, 1, 30))]] * 2, repetitions=[1, 8],
        compare={"de-duplicated": [(-5.0, rng.normal(-5, 1, 30))] * 2}),
    "FeatureMapExplorer": lambda: dl.widgets.FeatureMapExplorer(_tiny_cnn(), torch.rand(3, 8, 8), labels=[1, 2, 3]),
    "TextSampler": lambda: dl.widgets.TextSampler(
        nn.Linear(1, 1), lambda model, prefix, length, temperature, generator: "ab" * (length // 2),
        next_logits=lambda model, prefix: (list("ab c"), torch.tensor([1.0, 0.5, 0.2, 0.0])), length=40),
    "ThresholdExplorer": lambda: dl.widgets.ThresholdExplorer(
        rng.random(40), rng.integers(0, 2, 40), np.repeat(["a", "b"], 20),
        lambda y_pred, group: 0.1, lambda y_true, y_pred, group: 0.2),
    "TrainingDashboard": _training_dashboard,
}
# A label each widget shows in English, so that "unchanged under en" is checked against a known text.
ENGLISH_LABEL = {"GradientDescentExplorer": "learning rate", "AdversarialExplorer": "epsilon",
                 "AttentionHeatmap": "query", "ExposureExplorer": "checkpoint", "FeatureMapExplorer": "layer",
                 "TextSampler": "New sample", "ThresholdExplorer": "All at 0.50", "TrainingDashboard": "Reset weights"}


def _control_texts(widget: widgets.Widget) -> list[str]:
    """What the learner reads on the controls: descriptions, labels, HTML, menu entries (not typed-in text)."""
    texts = []
    if getattr(widget, "description", ""):
        texts.append(widget.description)
    if isinstance(widget, (widgets.Label, widgets.HTML)) and widget.value:
        texts.append(widget.value)
    if isinstance(widget, widgets.Dropdown):
        texts.extend(str(label) for label in widget._options_labels)
    for child in getattr(widget, "children", ()):
        texts.extend(_control_texts(child))
    return texts


def _figure_texts(view) -> list[str]:
    return [text.get_text() for text in view.figure.findobj(Text) if text.get_text().strip()]


def _build(name: str, language: str):
    dl.set_language(language)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        view = WIDGETS[name]()  # every widget draws (renders its PNG) once when it is made
    return view, [str(warning.message) for warning in caught]


@pytest.mark.parametrize("name", list(WIDGETS))
def test_widget_speaks_chinese_under_zh_and_english_under_en(name):
    assert dl.plotting.installed_cjk_fonts(), "no Chinese font installed: run `make system-packages` (fonts-noto-cjk)"
    zh, zh_warnings = _build(name, "zh")
    assert zh.last_error is None and zh.draw_count >= 1, zh.message
    controls = _control_texts(zh.widget)
    assert sum(bool(CJK.search(text)) for text in controls) >= 2, controls
    assert ENGLISH_LABEL[name] not in controls
    assert any(CJK.search(text) for text in _figure_texts(zh)), _figure_texts(zh)
    if name != "AttentionHeatmap":  # the heatmap has no status line
        assert CJK.search(zh.status.value), zh.status.value
    glyphs = [message for message in zh_warnings if "missing from font" in message]
    assert not glyphs, glyphs  # no boxes in place of Chinese characters

    en, _ = _build(name, "en")
    controls = _control_texts(en.widget)
    assert ENGLISH_LABEL[name] in controls
    assert not [text for text in controls + _figure_texts(en) + [en.status.value] if CJK.search(text)]


def test_a_failing_learner_function_is_reported_in_chinese():
    def unfinished(grad, x0, lr, steps):
        raise NotImplementedError

    dl.set_language("zh")
    explorer = dl.widgets.GradientDescentExplorer(unfinished)
    assert explorer.message == "暂时无法绘图：你的 gradient_descent 抛出了 NotImplementedError: "
    threshold = WIDGETS["ThresholdExplorer"]()
    threshold.parity_gap = lambda y_pred, group: 1 / 0
    threshold.redraw()
    assert threshold.status.value == "请先完成 demographic_parity_difference 和 equalized_odds_difference。"
