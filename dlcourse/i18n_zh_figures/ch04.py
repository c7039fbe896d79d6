"""Chinese for the figure texts chapter 04 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    "image x, window at ({i}, {j})": "图像 x，窗口位于 ({i}, {j})",
    "kernel w": "卷积核 w",
    "y[{i}, {j}] = sum of w × window = {value:g}": "y[{i}, {j}] = w × 窗口 的总和 = {value:g}",
    "A 3×3 kernel slides over a 5×5 image; each position gives one output":
        "3×3 卷积核在 5×5 图像上滑动，每个位置给出一个输出",
    "padding 1, stride 1: 5×5 output\n(first three windows of the top row)":
        "填充 1，步幅 1：5×5 输出\n（第一行的前三个窗口）",
    "padding 1, stride 2: 3×3 output\n(the three windows of the top row)":
        "填充 1，步幅 2：3×3 输出\n（第一行的三个窗口）",
    "digit": "数字",
    "top-to-bottom kernel": "从上到下的卷积核",
    "left-to-right kernel": "从左到右的卷积核",
    "edge strength": "边缘强度",
    "Two fixed 3×3 filters turn a digit into edge maps (blue negative, red positive)":
        "两个固定的 3×3 滤波器把数字变成边缘图（蓝色为负，红色为正）",
    "image (4×4), three of its 2×2 windows": "图像（4×4）及其中三个 2×2 窗口",
    "X_col (4 × 9): window k becomes column k": "X_col（4 × 9）：窗口 k 变成第 k 列",
    "loops (yours, extrapolated)": "循环（你的实现，外推）",
    "im2col (yours)": "im2col（你的实现）",
    "milliseconds, x (64, 16, 28, 28), w (32, 16, 3, 3), log scale (CPU rows: one thread)":
        "毫秒，x (64, 16, 28, 28)，w (32, 16, 3, 3)，对数刻度（CPU 各行：单线程）",
    "The same convolution, several ways": "同一个卷积的几种实现",
    "batch": "单个批量",
    "mean of 20 batches": "20 个批量的平均",
    "step": "步数",
    "training loss": "训练损失",
    "epoch": "轮（epoch）",
    "test accuracy": "测试集准确率",
    "A {count:,}-parameter CNN on 4,000 MNIST digits": "在 4,000 个 MNIST 数字上训练的 CNN（{count:,} 个参数）",
    "misread test digits (true → predicted)": "识别错误的测试数字（真实 → 预测）",
    "shift of every test digit (pixels, positive = right)": "每个测试数字的平移量（像素，正数 = 向右）",
    "Small shifts are tolerated, larger ones are not": "小的平移可以容忍，大的平移则不行",
    "plain (no shortcut)": "普通（无捷径）",
    "residual": "残差",
    "block (1 = next to the input)": "块（1 = 紧邻输入）",
    "gradient norm of conv1's weights": "conv1 权重的梯度范数",
    "{depth} blocks at initialisation, one batch of 64 digits": "初始化时的 {depth} 个块，一批 64 个数字",
}
