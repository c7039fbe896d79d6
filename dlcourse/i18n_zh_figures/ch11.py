"""Chinese for the figure texts chapter 11 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # attribution maps and the sanity check
    "says {p}": "预测为 {p}",
    "saliency": "显著性图",
    "integrated gradients": "积分梯度",
    "occlusion (4x4 patches)": "遮挡（4x4 图块）",
    "trained": "训练好的模型",
    "top {depth} random": "顶部 {depth} 层随机",
    # which words drove the prediction
    "review classifier": "评论分类器",
    "mean attribution towards 'positive' (integrated gradients)": "朝向“正面”的平均归因（积分梯度）",
    "the strongest words in either direction; the towns in red": "两个方向上最强的词（红色为城镇名）",
    # adversarial training
    "adversarial training": "对抗训练",
    "standard training": "标准训练",
    "adversarial training (FGSM, eps 0.1)": "对抗训练（FGSM，ε = 0.1）",
    "FGSM epsilon": "FGSM 的扰动上限 ε",
    "test accuracy": "测试集准确率",
    # reliability diagrams
    "standard CNN": "标准 CNN",
    "standard, T = {temperature:.2f}": "标准 CNN，T = {temperature:.2f}",
    "adversarially trained": "对抗训练的 CNN",
    "mean confidence in bin": "区间内的平均置信度",
    "accuracy in bin": "区间内的准确率",
    # abstaining
    "clean test digits": "干净的测试数字",
    "threshold {threshold:.2f}": "阈值 {threshold:.2f}",
    "same threshold, FGSM 0.1": "同一阈值，FGSM 0.1",
    "coverage (fraction answered)": "覆盖率（作答的比例）",
    "selective accuracy": "选择性准确率",
}
