"""Chinese for the figure texts chapter 01 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    "start": "起点",
    "step": "步数",
    "loss (log scale)": "损失（对数刻度）",
    "Below 2/c = 0.2 the loss falls; above it, it grows without bound":
        "学习率低于 2/c = 0.2 时损失下降；高于它时损失无界增长",
    "mean squared error (k€²)": "均方误差（k€²）",
    "Gradient descent on house prices": "用梯度下降拟合房价",
}
