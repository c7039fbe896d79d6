"""Chinese for the figure texts chapter 00 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    "mean {mean:.2f}, standard deviation {std:.2f}": "均值 {mean:.2f}，标准差 {std:.2f}",
    "value": "取值",
    "count": "计数",
    "mean": "均值",
    "spread": "离散程度",
}
