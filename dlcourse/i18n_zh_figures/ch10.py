"""Chinese for the figure texts chapter 10 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # Simpson's paradox in the Berkeley admissions
    "men": "男性",
    "women": "女性",
    "department's overall admission rate": "院系的总体录取率",
    "admission rate of the sex": "该性别的录取率",
    "Within departments the sexes are close": "在各院系内部，两性的录取率相近",
    "share of applicants who are women": "申请者中女性的比例",
    "Women applied where few were admitted": "女性多申请录取率低的院系",
    # calibration per group
    "group {g}": "{g} 组",
    "perfectly calibrated": "完美校准",
    "predicted probability of repaying": "预测的还款概率",
    "share who repaid": "实际还款的比例",
    "Calibrated within both groups": "在两组内部都是校准的",
}
