"""Chinese for the figure texts chapter 12 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
# matplotlib draws a text with $...$ wholly in its math fonts, which have no Chinese glyphs: CO₂ is Unicode here.
ZH = {
    "chapter 04 CNN": "第 04 章的 CNN",
    # the same run on different grids
    "g CO$_2$e for this training run": "本次训练的排放（g CO₂e）",
    "the same run on different grids (2023 averages)": "同一次训练在不同电网上的排放（2023 年平均值）",
    "Norway": "挪威",
    "France": "法国",
    "Brazil": "巴西",
    "Canada": "加拿大",
    "United Kingdom": "英国",
    "United States": "美国",
    "Germany": "德国",
    "World": "全球平均",
    "China": "中国",
    "Poland": "波兰",
    "India": "印度",
    "under CodeCarbon": "CodeCarbon 追踪中",
    # your run beside published training runs
    "kg CO$_2$e (log scale)": "kg CO₂e（对数坐标）",
    "your CNN run": "你的 CNN 训练",
    "BLOOM 176B, final training run": "BLOOM 176B，最终训练",
    "Llama 2 family, 7B-70B": "Llama 2 系列，7B-70B",
    "BERT-base": "BERT 基础版",
    "Transformer-big": "Transformer 大型版",
}
