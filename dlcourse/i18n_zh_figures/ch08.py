"""Chinese for the figure texts chapter 08 draws (see dlcourse/i18n_zh_figures/__init__.py)."""
ZH = {
    # batch size and throughput
    "batch size": "批量大小",
    "examples per second": "每秒样本数",
    "one CPU core": "单个 CPU 核心",
    "throughput of one training step, {where}": "一个训练步的吞吐量，{where}",
    # data, tensor and pipeline parallelism
    "data parallel: a full model per device,\ndifferent examples": "数据并行：每台设备一个完整模型，\n处理不同的样本",
    "tensor parallel: every layer split\nacross devices": "张量并行：每一层都拆分\n到各台设备上",
    "pipeline parallel: different layers\non different devices": "流水线并行：不同的层\n在不同的设备上",
    "all of x, on every device": "每台设备上都是完整的 x",
    "device {layer}": "设备 {layer}",
    "micro-batches flow upwards": "微批量自下而上流动",
    "three ways to spread a three-layer network over devices (colour = device)":
        "把三层网络分布到多台设备上的三种方式（颜色 = 设备）",
}
