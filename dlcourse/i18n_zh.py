"""Chinese translations of what dlcourse shows the learner, keyed by the English text (see dlcourse.i18n).

Terms follow docs/zh/glossary.md. Placeholders ({name}, {lr:.4g} …) must match the English key's:
tests/test_dlcourse_i18n.py checks that every key used in dlcourse is here and keeps its placeholders.
"""

ZH = {
    # -- the Check your work cell (dlcourse.checking) --------------------------------------------
    "Cannot find the saved notebook {path}. Save it (Ctrl+S), or pass its path: "
    "dl.check_your_work({chapter!r}, 'path/to/{chapter}.ipynb').":
        "找不到已保存的笔记本 {path}。请先保存（Ctrl+S），或传入它的路径："
        "dl.check_your_work({chapter!r}, 'path/to/{chapter}.zh.ipynb')。",
    "Grading {name} as saved at {saved}. Unsaved edits are not graded: save first (Ctrl+S).":
        "正在评分 {name}（保存于 {saved}）。未保存的修改不会被评分：请先保存（Ctrl+S）。",
    "Running every cell in a fresh kernel; this takes about as long as Run All.":
        "正在一个新的内核中运行所有单元，耗时与“全部运行”（Run All）相当。",

    # -- helpers' messages (data, device, progress, loading, seeding, privacy, graphs, ...) ------
    "{path} is missing. It ships with the course; restore it with "
    "`git checkout -- datasets/{name}` or rebuild it with `python datasets/{name}/prepare.py`.":
        "缺少 {path}。该文件随课程提供：可用 `git checkout -- datasets/{name}` 恢复，"
        "或用 `python datasets/{name}/prepare.py` 重新生成。",
    "n_test must be a multiple of 10 between 10 and 4990, got {n_test}":
        "n_test 必须是 10 到 4990 之间 10 的倍数，收到的是 {n_test}",
    "test_fraction must be between 0 and 1 (exclusive), got {test_fraction}":
        "test_fraction 必须介于 0 和 1 之间（不含端点），收到的是 {test_fraction}",
    "Using {kind}: {reason}": "使用 {kind}：{reason}",
    "found GPU {name}": "找到 GPU {name}",
    "found an Apple GPU (Metal)": "找到 Apple GPU（Metal）",
    "no CUDA or Apple GPU found; running on {threads} CPU threads "
    "(every chapter is sized to finish on a laptop CPU)":
        "未找到 CUDA 或 Apple GPU；在 {threads} 个 CPU 线程上运行（每一章的规模都能在笔记本电脑的 CPU 上跑完）",
    "Stopped early; the model keeps the weights it has.": "已提前停止；模型保留当前的权重。",
    "X and y differ in length: {x} != {y}": "X 与 y 的长度不同：{x} != {y}",
    "delay_s must be non-negative, got {delay_s}": "delay_s 不能为负数，收到的是 {delay_s}",
    "seed must be a non-negative int, got {seed!r}": "seed 必须是非负整数，收到的是 {seed!r}",
    "order must be an integer >= 2, got {order!r}": "order 必须是不小于 2 的整数，收到的是 {order!r}",
    "sample_rate must be in (0, 1], got {sample_rate}": "sample_rate 必须在 (0, 1] 内，收到的是 {sample_rate}",
    "steps must be >= 0, got {steps}": "steps 必须 >= 0，收到的是 {steps}",
    "delta must be in (0, 1), got {delta}": "delta 必须在 (0, 1) 内，收到的是 {delta}",
    "need epsilon >= 0 and delta in [0, 1], got {epsilon}, {delta}":
        "需要 epsilon >= 0 且 delta 在 [0, 1] 内，收到的是 {epsilon}、{delta}",
    "the graph has a cycle; a computational graph must be acyclic": "图中有环；计算图必须是无环的",
    "nprocs must be at least 1, got {nprocs}": "nprocs 至少为 1，收到的是 {nprocs}",
    "the {nprocs} workers did not finish within {timeout:.0f} s "
    "(a collective that not every rank calls waits until the group's timeout)"
    "\nrank 0's stderr ends:\n{tail}":
        "{nprocs} 个工作进程未在 {timeout:.0f} 秒内结束（若某个集合通信并非每个 rank 都调用，它会一直等到进程组超时）"
        "\nrank 0 的 stderr 末尾：\n{tail}",
    "rank {rank} exited with status {status}: {last}\n{tail}": "rank {rank} 以状态 {status} 退出：{last}\n{tail}",
    "{seconds:.2f} s at {watts:.1f} W on average ({method}: {description})":
        "{seconds:.2f} 秒，平均功率 {watts:.1f} W（{method}：{description}）",
    "mean of {n} NVML readings of the GPU board's power": "GPU 板卡功率的 {n} 次 NVML 读数的平均值",
    "RAPL energy counters of {n} CPU package(s)": "{n} 个 CPU 封装的 RAPL 能耗计数器",
    "ESTIMATE, not a measurement: {cores:.2f} busy cores x {per_core:g} W + {gb:.2f} GB x {per_gb:g} W/GB":
        "估算值，并非实测：{cores:.2f} 个繁忙核心 × {per_core:g} W + {gb:.2f} GB × {per_gb:g} W/GB",

    # -- GradientDescentExplorer and SliderPlot --------------------------------------------------------
    "Cannot draw yet: {error}": "暂时无法绘图：{error}",
    "SliderPlot needs at least one slider, e.g. shift=widgets.FloatSlider()":
        "SliderPlot 至少需要一个滑块，例如 shift=widgets.FloatSlider()",
    "Cannot draw yet: your gradient_descent raised {error}": "暂时无法绘图：你的 gradient_descent 抛出了 {error}",
    "surface": "损失曲面",
    "learning rate": "学习率",
    "start x": "起点 x",
    "start y": "起点 y",
    "steps": "步数",
    "your path": "你的路径",
    "minimum": "最小值",
    "Diverged: the learning rate is too large for this surface's steepest direction.":
        "发散了：对这个曲面最陡的方向而言，学习率太大。",
    "Loss {first:.3g} → {last:.3g} after {steps} steps.": "{steps} 步后损失 {first:.3g} → {last:.3g}。",
    "elongated bowl  0.5·(x² + 10·y²)": "狭长的碗  0.5·(x² + 10·y²)",
    "Rosenbrock valley  ((1-x)² + 100·(y-x²)²) / 100": "Rosenbrock 山谷  ((1-x)² + 100·(y-x²)²) / 100",

    # -- AdversarialExplorer ---------------------------------------------------------------------------
    "Cannot draw yet: your attack raised {error}": "暂时无法绘图：你的攻击函数抛出了 {error}",
    "images must be (N, C, H, W) and labels (N,) with the same N":
        "images 的形状必须是 (N, C, H, W)，labels 的形状必须是 (N,)，且 N 相同",
    "epsilon": "扰动上限 ε",
    "example": "样本",
    "label {label}: says {said}\n({sure:.0%} sure)": "标签 {label}：预测为 {said}\n（置信度 {sure:.0%}）",
    "perturbation\n(max {largest:.2f})": "扰动\n（最大 {largest:.2f}）",
    "attacked: says {said}\n({sure:.0%} sure)": "受攻击后：预测为 {said}\n（置信度 {sure:.0%}）",
    "accuracy on the batch": "该批量上的准确率",
    "epsilon {eps:.2f}: accuracy {accuracy:.1%} on {n} images": "ε = {eps:.2f}：{n} 张图像上的准确率为 {accuracy:.1%}",

    # -- AttentionHeatmap ------------------------------------------------------------------------------
    "attention weights must have shape (layers, heads, T, T), got {shape}":
        "注意力权重的形状必须是 (层数, 头数, T, T)，收到的是 {shape}",
    "layer": "层",
    "head": "注意力头",
    "prompt": "提示",
    "query": "查询",
    "layer {i}": "第 {i} 层",
    "head {i}": "第 {i} 个头",
    "mean of heads": "所有头的平均",
    "Cannot show attention yet: {error}": "暂时无法显示注意力：{error}",
    "Cannot show attention: {T} positions but only {n} token labels.":
        "无法显示注意力：共有 {T} 个位置，却只有 {n} 个词元标签。",
    "attention weight": "注意力权重",
    "key: the position looked at": "键：被关注的位置",
    "query: the position looking": "查询：发出关注的位置",
    "layer {i}, {head}": "第 {i} 层，{head}",
    "what query {query} ({label!r}) attends to": "查询位置 {query}（{label!r}）关注的内容",

    # -- ExposureExplorer ------------------------------------------------------------------------------
    "Cannot compute exposure yet: {error}": "暂时无法计算暴露度：{error}",
    "Finish canary_exposure first.": "请先完成 canary_exposure。",
    "every checkpoint needs one (canary_log_prob, other_log_probs) pair per canary":
        "每个检查点都需要为每个金丝雀序列提供一对 (canary_log_prob, other_log_probs)",
    "every compared run needs one pair per canary": "每个用于比较的训练运行都需要为每个金丝雀序列提供一对数据",
    "one label per checkpoint": "每个检查点需要一个标签",
    "checkpoint {k}": "检查点 {k}",
    "canary {i} ({r}×)": "金丝雀 {i}（{r} 次）",
    "checkpoint": "检查点",
    "canary": "金丝雀",
    "{n} other candidates": "其他 {n} 个候选",
    "the canary: {bits:.1f} bits": "金丝雀：{bits:.1f} 比特",
    "log-probability of the whole sequence": "整个序列的对数概率",
    "candidates": "候选数",
    "{name} (end)": "{name}（训练结束）",
    "largest possible": "可能的最大值",
    "copies of the canary in the training data": "训练数据中金丝雀的副本数",
    "mean exposure (bits)": "平均暴露度（比特）",
    "exposure grows with repetition and training": "暴露度随重复次数与训练而增长",
    ", ": "，",
    "{level}×: {bits:.1f} bits": "{level} 次：{bits:.1f} 比特",
    "{checkpoint}: mean exposure {per_level} (at most {ceiling:.1f})":
        "{checkpoint}：平均暴露度 {per_level}（最多 {ceiling:.1f}）",

    # -- FeatureMapExplorer ----------------------------------------------------------------------------
    "Cannot show this layer: the model raised {error}": "无法显示这一层：模型抛出了 {error}",
    "got {images} images but {labels} labels": "收到 {images} 张图像，却有 {labels} 个标签",
    "the model has no layer with a 4-D output (N, C, H, W): is it a convolutional network?":
        "模型中没有输出为四维 (N, C, H, W) 的层：它是卷积神经网络吗？",
    "unknown layer {layer!r}; choose one of {names}": "未知的层 {layer!r}；请从 {names} 中选择",
    "images must be shaped (N, H, W) or (N, C, H, W) with N >= 1, got {shape}":
        "images 的形状必须是 (N, H, W) 或 (N, C, H, W)，且 N >= 1，收到的是 {shape}",
    "image": "图像",
    "true {label}, ": "真实类别 {label}，",
    "image {index}\n{truth}predicted {predicted} ({p:.0%})": "图像 {index}\n{truth}预测为 {predicted}（{p:.0%}）",
    "filter {k}": "卷积核 {k}",
    "map {k}": "特征图 {k}",
    "no convolution before this layer": "这一层之前没有卷积",
    "filters of {conv}": "{conv} 的卷积核",
    " (feeding it)": "（它的输入来自这里）",
    "layer {name} ({kind}): {channels} maps of {height}×{width}; top: {note}":
        "层 {name}（{kind}）：{channels} 张 {height}×{width} 的特征图；上方：{note}",
    "showing {n} of {total} maps": "显示 {total} 张特征图中的 {n} 张",
    "{n} maps": "{n} 张特征图",
    "blue negative, red positive": "蓝色为负，红色为正",
    "dark 0, bright largest": "暗为 0，亮为最大",
    "{name}: {shown}; colours share one scale per layer ({scale}).": "{name}：{shown}；同一层的颜色共用一个刻度（{scale}）。",

    # -- TextSampler -----------------------------------------------------------------------------------
    "temperature must be positive, got {temperature}": "温度必须为正数，收到的是 {temperature}",
    "Cannot sample: {error}": "无法采样：{error}",
    "temperature": "温度",
    "prefix": "前缀",
    "length": "长度",
    "seed": "随机种子",
    "New sample": "重新采样",
    "the sampling function should return a str, got {kind}": "采样函数应返回 str，实际返回的是 {kind}",
    "temperature {temperature:.2f}, seed {seed}: {n} characters after the prefix":
        "温度 {temperature:.2f}，随机种子 {seed}：前缀之后生成了 {n} 个字符",
    "temperature 1": "温度 1",
    "temperature {temperature:.2f}": "温度 {temperature:.2f}",
    "probability": "概率",
    "next character after …{shown!r}": "…{shown!r} 之后的下一个字符",
    "prefix (blue, bold) and the sampled continuation": "前缀（蓝色粗体）与采样得到的续写",

    # -- ThresholdExplorer -----------------------------------------------------------------------------
    "Cannot compute the gaps yet: {error}": "暂时无法计算差距：{error}",
    "Finish demographic_parity_difference and equalized_odds_difference first.":
        "请先完成 demographic_parity_difference 和 equalized_odds_difference。",
    "scores, y_true and group must be 1-D arrays of the same length": "scores、y_true 和 group 必须是长度相同的一维数组",
    "fairness needs at least two groups": "讨论公平性至少需要两个群体",
    "All at {threshold:.2f}": "全部设为 {threshold:.2f}",
    "false-positive rate": "假阳性率",
    "true-positive rate": "真阳性率",
    "ROC per group": "各群体的 ROC 曲线",
    "selection rate": "选择率",
    "selected, and TPR (hatched)": "选择率与真阳性率（斜线）",
    "parity gap": "人口统计均等差距",
    "odds gap": "机会均等化差距",
    "fairness gap (0 = equal)": "公平性差距（0 = 均等）",
    "accuracy": "准确率",
    "{n} settings visited": "已尝试 {n} 种设置",
    "accuracy {accuracy:.3f} · demographic parity gap {parity:.3f} · equalised odds gap {odds:.3f}":
        "准确率 {accuracy:.3f} · 人口统计均等差距 {parity:.3f} · 机会均等化差距 {odds:.3f}",

    # -- TrainingDashboard -----------------------------------------------------------------------------
    "optimizers must name at least one factory, e.g. {example}": "optimizers 至少要给出一个优化器工厂函数，例如 {example}",
    "Ready: press Train.": "准备就绪：请按“训练”。",
    "optimizer": "优化器",
    "epochs": "轮数",
    "Train": "训练",
    "Stop": "停止",
    "Reset weights": "重置权重",
    "Stop training before resetting.": "请先停止训练，再重置。",
    "Weights reset to their initial values.": "权重已重置为初始值。",
    "Already training: press Stop first.": "正在训练中：请先按“停止”。",
    "Cannot train: your code raised {error}. The model keeps the weights it had.":
        "无法训练：你的代码抛出了 {error}。模型保留原有的权重。",
    "stopped early": "提前停止",
    "finished": "训练完成",
    ", validation accuracy {accuracy:.1%}": "，验证集准确率 {accuracy:.1%}",
    "{name}: {ended} after {steps} steps ({total} since reset){accuracy}. The model keeps its weights.":
        "{name}：{steps} 步后{ended}（自重置以来共 {total} 步）{accuracy}。模型保留当前的权重。",
    "Training with {name}, learning rate {lr:.4g}, for {epochs} epochs...":
        "正在用 {name} 训练，学习率 {lr:.4g}，共 {epochs} 轮……",
    "{name}, lr {lr:.4g}: step {step}, batch loss {loss:.3f}, validation accuracy {accuracy:.1%}":
        "{name}，学习率 {lr:.4g}：第 {step} 步，批量损失 {loss:.3f}，验证集准确率 {accuracy:.1%}",
    "training": "训练集",
    "validation": "验证集",
    "accuracy (validation {accuracy:.1%})": "准确率（验证集 {accuracy:.1%}）",
    "press Train": "请按“训练”",
    "cross-entropy loss": "交叉熵损失",
    "epoch": "轮（epoch）",
}
