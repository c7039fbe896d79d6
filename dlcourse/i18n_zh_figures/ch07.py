"""Chinese for the figure texts chapter 07 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # the bag of embeddings and its shortcut
    "bag of embeddings": "嵌入袋",
    "push towards 'positive' (score s_t)": "推向“正面”的程度（分数 s_t）",
    "tokens the bag of embeddings relies on most (towns in red)": "嵌入袋最依赖的词元（城镇标为红色）",
    # pretraining
    "pretraining": "预训练",
    "guessing uniformly": "均匀猜测",
    "step": "步数",
    "next-token loss (nats)": "下一词元损失（奈特）",
    "pretraining the language model on unlabelled reviews": "在无标签评论上预训练语言模型",
    # three ways to fine-tune
    "full fine-tuning": "完全微调",
    "frozen body + head": "冻结主体 + 头部",
    "from scratch": "从头训练",
    "probe, {n_labels} labels": "线性探测，{n_labels} 个标签",
    "{name}, {n_labels} labels": "{name}，{n_labels} 个标签",
    "accuracy on test": "test 划分上的准确率",
    "accuracy on shifted": "shifted 划分上的准确率",
    "bag of embeddings, 2,000 labels": "嵌入袋，2,000 个标签",
    "number of training labels": "训练标签数",
    "accuracy": "准确率",
    # distillation
    "student, labels only": "学生，仅用标签",
    "student, distilled": "学生，蒸馏",
}
