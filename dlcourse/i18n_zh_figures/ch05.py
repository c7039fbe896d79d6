"""Chinese for the figure texts chapter 05 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
# matplotlib draws a text with $...$ wholly in its math fonts, which have no Chinese glyphs:
# the Chinese writes subscripts as Unicode characters (Wₕ) instead.
ZH = {
    "an RNN unrolled in time: the same $W_x$, $W_h$ and $b$ at every step":
        "按时间展开的 RNN：每一步都使用相同的 Wₓ、Wₕ 和 b",
    "time step t (the loss looks at step 60 only)": "时间步 t（损失只看第 60 步）",
    "gradients travelling back in time: singular values of $W_h$ all equal to s":
        "沿时间反向传播的梯度：Wₕ 的奇异值全都等于 s",
    "scale of $W_h$": "Wₕ 的尺度",
    "recurrent weight w": "循环权重 w",
    "loss": "损失",
    "|dLoss/dw|": "|dLoss/dw|（斜率的大小）",
    "a one-unit RNN over 40 steps: the loss has a cliff, and its slope explodes there":
        "单个单元的 RNN 运行 40 步：损失曲线上有一处悬崖，斜率在那里爆炸",
    "vanilla RNN": "普通 RNN",
    "LSTM, forget bias {bias}": "LSTM，遗忘门偏置 {bias}",
    "input step t (the output looks at step 100)": "输入时间步 t（输出位于第 100 步）",
    "how far back the gradient reaches, at initialisation": "初始化时梯度能向前传回多远",
    "training batch": "训练批量",
    "validation": "验证集",
    "bigram": "二元模型",
    "LZMA with the training text": "LZMA（先读入训练文本）",
    "step": "步数",
    "bits per character": "每字符比特数",
    "clip threshold {clip}": "裁剪阈值 {clip}",
    "gradient norm before clipping": "裁剪前的梯度范数",
    "character model ({cell}) learning the Python reference": "学习 Python 参考手册的字符模型（{cell}）",
    "temperature {temperature}": "温度 {temperature}",
    "probability": "概率",
    "the ten likeliest characters after {prefix!r}": "{prefix!r} 之后最可能的十个字符",
    "after training": "训练后",
    "at initialisation": "初始化时",
    "training window ({length})": "训练窗口（{length}）",
    "distance back from the predicted character": "与被预测字符相隔的距离",
    "gradient norm": "梯度范数",
    "how much each earlier character affects the next prediction": "前面每个字符对下一个预测的影响有多大",
}
