"""Chinese for the figure texts chapter 13 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    "review classifier": "评论分类器",
    # a person and the model as a team
    "test split": "测试划分",
    "shifted split": "偏移划分",
    "automation bias b = {bias}": "自动化偏见 b = {bias}",
    "model alone": "单独的模型",
    "person alone (assumed)": "单独的人（假设值）",
    "fraction of reviews the person checks": "由人核查的评论比例",
    "expected team accuracy": "团队的期望准确率",
}
