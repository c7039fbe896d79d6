"""Chinese for the figure texts chapter 12 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    "chapter 04 CNN": "第 04 章的 CNN",
    "g CO$_2$e for this training run": "本次训练的排放（g CO$_2$e）",
    "the same run on different grids (2023 averages)": "同一次训练在不同电网上的排放（2023 年平均值）",
    "under CodeCarbon": "CodeCarbon 追踪中",
    "kg CO$_2$e (log scale)": "kg CO$_2$e（对数刻度）",
}
