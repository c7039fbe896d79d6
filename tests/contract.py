"""The graded contract of CURRICULUM.md: chapter -> graded name -> its parameters.

Only chapters present in solutions/ are checked, so the table can lead the
notebooks. A class is listed with its constructor's parameters (without self).
"""
CONTRACT: dict[str, dict[str, list[str]]] = {
    "00_start_here": {"normalize": ["x"]},
    "01_gradient_descent": {
        "mse_loss": ["y_pred", "y"],
        "mse_gradients": ["X", "y", "w", "b"],
        "gradient_descent": ["grad_fn", "x0", "lr", "steps"],
    },
    "02_backpropagation": {
        "Value": [],  # constructor arguments are the learner's choice
        "linear_forward": ["x", "W", "b"],
        "linear_backward": ["dout", "cache"],
        "relu_forward": ["x"],
        "relu_backward": ["dout", "cache"],
        "softmax_cross_entropy": ["logits", "y"],
        "numerical_gradient": ["f", "x", "eps"],
    },
    "03_training_networks": {
        "SGD": ["params", "lr", "momentum", "weight_decay"],
        "Adam": ["params", "lr", "betas", "eps", "weight_decay"],
        "dropout": ["x", "p", "training"],
        "batch_norm": ["x", "gamma", "beta", "running_mean", "running_var", "training", "momentum", "eps"],
    },
    "04_convolutional_networks": {
        "conv2d_forward": ["x", "w", "b", "stride", "padding"],
        "conv2d_backward": ["dout", "x", "w", "b", "stride", "padding"],
        "max_pool2d_forward": ["x", "kernel_size", "stride"],
        "max_pool2d_backward": ["dout", "x", "kernel_size", "stride"],
        "ResidualBlock": ["in_channels", "out_channels", "stride"],
    },
    "05_recurrent_networks": {
        "rnn_step_forward": ["x", "h_prev", "Wx", "Wh", "b"],
        "rnn_forward": ["x", "h0", "Wx", "Wh", "b"],
        "rnn_backward": ["dh", "x", "h0", "Wx", "Wh", "b"],
        "clip_grad_norm": ["grads", "max_norm"],
        "lstm_step_forward": ["x", "h_prev", "c_prev", "Wx", "Wh", "b"],
    },
    "06_attention_and_transformers": {
        "scaled_dot_product_attention": ["q", "k", "v", "mask"],
        "causal_mask": ["T"],
        "positional_encoding": ["T", "d"],
        "layer_norm": ["x", "gamma", "beta", "eps"],
        "Block": ["width", "n_heads", "dropout"],
        "GPT": ["config"],
    },
    "07_pretraining_finetuning_distillation": {
        "mean_pool": ["embeddings", "mask"],
        "next_token_loss": ["logits", "ids", "mask"],
        "freeze_body": ["model"],  # graded since issue 17; CURRICULUM.md does not name it
        "distillation_loss": ["student_logits", "teacher_logits", "labels", "T", "alpha"],
    },
    "08_scaling_up": {
        "average_gradients": ["model"],
        "shard_indices": ["n", "rank", "world_size"],
        "accumulated_step": ["model", "loss_fn", "micro_batches", "optimizer"],
        # graded since issue 17; CURRICULUM.md does not name it
        "mixed_precision_step": ["model", "loss_fn", "x", "y", "optimizer", "scaler", "device_type", "dtype"],
    },
    "09_privacy_and_security": {
        "clip_and_noise": ["per_sample_grads", "max_norm", "noise_multiplier", "generator"],
        "fedavg": ["client_states", "client_sizes"],
        "k_anonymity": ["rows", "quasi_identifiers"],
    },
    "10_fairness_and_bias": {
        "demographic_parity_difference": ["y_pred", "group"],
        "equalized_odds_difference": ["y_true", "y_pred", "group"],
        "reweighing_weights": ["y", "group"],
    },
    "11_explainability_and_control": {
        "saliency_map": ["model", "x", "target"],
        "integrated_gradients": ["model", "x", "target", "baseline", "steps"],
        "fgsm_attack": ["model", "x", "y", "eps"],
    },
    "12_energy_and_environment": {
        "count_params": ["model"],
        "transformer_training_flops": ["n_params", "n_tokens"],
        "energy_kwh": ["power_watts", "seconds", "pue"],
        "co2_kg": ["kwh", "grid_g_per_kwh"],
    },
    "13_society_law_and_accountability": {
        "model_card": ["name", "metrics", "intended_use", "limitations"],
    },
    "14_large_models_and_responsibility": {
        "sequence_log_prob": ["logits", "ids"],
        "canary_exposure": ["canary_log_prob", "other_log_probs"],
        "dpo_loss": ["policy_chosen", "policy_rejected", "reference_chosen", "reference_rejected", "beta"],
        "token_kl": ["policy_logits", "reference_logits"],
    },
}
