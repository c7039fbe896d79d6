"""Chinese for the figure texts chapter 14 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # progress bars: pretraining, and memorisation with its mitigations
    "pretraining on public text": "在公开文本上预训练",
    "fine-tuning": "微调",
    "fine-tuning, no mitigation": "微调，无缓解措施",
    "fine-tuning on de-duplicated data": "在去重数据上微调",
    "fine-tuning with DP-SGD": "用 DP-SGD 微调",
    # the exposure widget's checkpoints and compared runs
    "step {step} ({epochs:.1f} epochs)": "第 {step} 步（{epochs:.1f} 轮）",
    "de-duplicated": "去重后",
    # hallucination and abstention
    "seen": "见过",
    "unseen": "未见过",
    "look-alike": "形近名称",
    "threshold": "阈值",
    "confidence: probability of the model's own answer": "置信度：模型给出自身回答的概率",
    "questions": "问题数",
    "seen, unseen and look-alike countries": "见过、未见过和形近名称的国家",
    "answer the most confident first": "先回答置信度最高的问题",
    "the chosen threshold": "选定的阈值",
    "coverage (share of questions answered)": "覆盖率（作答问题的比例）",
    "risk (share of answers wrong)": "风险（错误回答的比例）",
    "risk-coverage on the test half": "测试那一半问题上的风险-覆盖率曲线",
    # alignment by DPO
    "DPO, beta {beta}": "DPO，β 取 {beta}",
    "beta {beta}": "β 取 {beta}",
    "log 2: policy = reference": "ln 2：策略 = 参考模型",
    "DPO step": "DPO 步数",
    "dpo_loss": "DPO 损失",
    "preference loss while aligning": "对齐过程中的偏好损失",
    "reference": "参考模型",
    "asked: PIN": "直接问：PIN",
    "red team: PIN": "红队：PIN",
    "room withheld": "不给房间号",
    "capitals known": "知道首都",
    "behaviour before and after alignment": "对齐前后的行为",
}
