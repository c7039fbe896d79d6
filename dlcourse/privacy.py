"""Privacy accounting for DP-SGD: epsilon from the noise multiplier, and what epsilon allows an attacker.

No exercise answer lives here: chapter 09's learner writes the per-sample
clipping and noising; this module only turns the training's settings into the
privacy guarantee they buy, with the Renyi-DP analysis of the sampled Gaussian
mechanism (Mironov 2017; Mironov, Talwar & Zhang 2019, arXiv:1908.10530).
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
from scipy.special import gammaln, logsumexp

from dlcourse.i18n import t

DEFAULT_ORDERS = tuple(range(2, 257))


def sampled_gaussian_rdp(noise_multiplier: float, sample_rate: float, order: int) -> float:
    """Renyi-DP of one step of the sampled Gaussian mechanism at an integer order >= 2.

    One step adds Normal(0, (noise_multiplier * C)^2) to a sum of gradients clipped
    to norm C, each example included with probability ``sample_rate``. For integer
    orders alpha the bound is exact (Mironov, Talwar & Zhang 2019, section 3.3):
    log(sum_k binom(alpha, k) (1 - q)^(alpha - k) q^k exp((k^2 - k) / (2 sigma^2))) / (alpha - 1).
    """
    if not (isinstance(order, (int, np.integer)) and order >= 2):
        raise ValueError(t("order must be an integer >= 2, got {order!r}", order=order))
    if not 0.0 < sample_rate <= 1.0:
        raise ValueError(t("sample_rate must be in (0, 1], got {sample_rate}", sample_rate=sample_rate))
    if noise_multiplier <= 0:
        return math.inf
    if sample_rate == 1.0:
        return order / (2.0 * noise_multiplier ** 2)  # the plain Gaussian mechanism
    k = np.arange(order + 1)
    log_binomial = gammaln(order + 1) - gammaln(k + 1) - gammaln(order - k + 1)
    log_terms = (log_binomial + (order - k) * math.log1p(-sample_rate) + k * math.log(sample_rate)
                 + (k * k - k) / (2.0 * noise_multiplier ** 2))
    return float(logsumexp(log_terms) / (order - 1))


def dp_sgd_epsilon(noise_multiplier: float, sample_rate: float, steps: int, delta: float,
                   orders: Iterable[int] = DEFAULT_ORDERS) -> tuple[float, int]:
    """(epsilon, best order) for ``steps`` DP-SGD steps at the given noise and sampling rate.

    Renyi-DP composes by adding over steps; the conversion to (epsilon, delta)-DP is
    epsilon = min over orders of steps * rdp(order) + log(1 / delta) / (order - 1)
    (Mironov 2017, proposition 3). The analysis assumes each example enters each batch
    independently with probability ``sample_rate`` (Poisson sampling); training on
    shuffled fixed-size batches, as most code does, is only approximately covered.
    A noise multiplier of 0 gives epsilon = inf: clipping alone promises nothing.
    """
    if steps < 0:
        raise ValueError(t("steps must be >= 0, got {steps}", steps=steps))
    if not 0.0 < delta < 1.0:
        raise ValueError(t("delta must be in (0, 1), got {delta}", delta=delta))
    if steps == 0:
        return 0.0, min(orders)
    best = (math.inf, min(orders))
    for order in orders:
        epsilon = steps * sampled_gaussian_rdp(noise_multiplier, sample_rate, order) + math.log(1 / delta) / (order - 1)
        if epsilon < best[0]:
            best = (epsilon, order)
    return best


def membership_advantage_bound(epsilon: float, delta: float = 0.0) -> float:
    """The largest membership-inference advantage (TPR - FPR) any attack can reach against (epsilon, delta)-DP.

    DP forces TPR <= e^eps FPR + delta and (1 - FPR) <= e^eps (1 - TPR) + delta for every
    attack; maximising TPR - FPR under both gives (e^eps - 1 + 2 delta) / (e^eps + 1)
    (Kairouz, Oh & Viswanath 2015; Humphries et al. 2023). It is at most 1.
    """
    if epsilon < 0 or not 0.0 <= delta <= 1.0:
        raise ValueError(t("need epsilon >= 0 and delta in [0, 1], got {epsilon}, {delta}", epsilon=epsilon, delta=delta))
    if math.isinf(epsilon):
        return 1.0
    return min(1.0, (math.expm1(epsilon) + 2.0 * delta) / (math.exp(epsilon) + 1.0))
