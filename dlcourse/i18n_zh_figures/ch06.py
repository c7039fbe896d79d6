"""Chinese for the figure texts chapter 06 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # 1. attention as a soft dictionary lookup
    "(key, value) pairs": "（键，值）对",
    "sharpness s = {sharpness:g}": "锐度 s = {sharpness:g}",
    "sin(x), the truth": "真实函数（正弦曲线）",
    "query": "查询",
    "answer": "答案",
    "answers of a soft lookup": "软查找的答案",
    "key number (keys sorted by position)": "键的编号（键按位置排序）",
    "weights for s = 5: each row sums to 1": "s = 5 时的权重：每行之和为 1",
    # why the scores are scaled by 1/sqrt(d)
    "unscaled  qᵀk": "不缩放  qᵀk",
    "scaled  qᵀk / √d": "缩放  qᵀk / √d",
    "uniform weights (1/50)": "均匀权重（1/50）",
    "width d of queries and keys": "查询和键的宽度 d",
    "mean weight of the top key": "权重最大的键的平均权重",
    "without scaling, the softmax saturates as d grows": "不缩放时，softmax 随 d 增大而饱和",
    # causal mask
    "key position": "键的位置",
    "query position": "查询的位置",
    "causal attention weights": "因果注意力权重",
    # positional encoding
    "column": "列",
    "position t": "位置 t",
    "sinusoidal positional encoding": "正弦位置编码",
    "similar codes for nearby positions": "相邻位置的编码相似",
    # training the small GPT
    "training steps": "训练步",
    "training batch loss": "训练批量损失",
    "training loss (estimate)": "训练损失（估计值）",
    "held-out loss (estimate)": "留出集损失（估计值）",
    "uniform baseline": "均匀基线",
    "unigram baseline": "一元基线",
    "bigram baseline": "二元基线",
    "training step": "训练步",
    "cross-entropy (nats per character)": "交叉熵（每字符奈特数）",
    "a small GPT learning the Python reference, character by character": "小型 GPT 逐字符学习 Python 参考文档",
}
