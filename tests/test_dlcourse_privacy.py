"""dlcourse.privacy: the Renyi-DP accountant for DP-SGD and the advantage bound."""
import math

import numpy as np
import pytest
from scipy import integrate, stats

from dlcourse.privacy import dp_sgd_epsilon, membership_advantage_bound, sampled_gaussian_rdp


def test_full_batch_is_the_gaussian_mechanism():
    for sigma, order in [(1.0, 2), (2.5, 7), (0.8, 32)]:
        assert sampled_gaussian_rdp(sigma, 1.0, order) == pytest.approx(order / (2 * sigma ** 2))


@pytest.mark.parametrize("q, sigma, order", [(0.1, 1.0, 2), (0.05, 1.5, 4), (0.3, 2.0, 3)])
def test_rdp_matches_numerical_integration(q, sigma, order):
    """The binomial expansion equals E_{z~N(0,s^2)}[(mu(z)/mu0(z))^a] integrated numerically."""
    def integrand(z):
        likelihood_ratio = np.exp((2 * z - 1) / (2 * sigma ** 2))  # N(1, s^2) over N(0, s^2) at z
        return stats.norm.pdf(z, 0, sigma) * ((1 - q) + q * likelihood_ratio) ** order
    value, _ = integrate.quad(integrand, -20 * sigma, 20 * sigma + order, limit=400)
    assert sampled_gaussian_rdp(sigma, q, order) == pytest.approx(math.log(value) / (order - 1), rel=1e-6)


def test_matches_published_moments_accountant_values():
    """Bu, Dong, Long & Su (2020, Harvard Data Science Review, figure 4): DP-SGD on MNIST with q = 256/60000.

    sigma 1.3 for 20 epochs gives epsilon 1.34 at delta 1e-5; sigma 0.7 for 70 epochs gives 8.68. Their
    accountant also tries fractional orders, so ours (integer orders only) may be slightly larger, never smaller.
    """
    q, delta = 256 / 60000, 1e-5
    epsilon, _ = dp_sgd_epsilon(1.3, q, round(20 / q), delta)
    assert epsilon == pytest.approx(1.34, abs=0.03)
    epsilon, order = dp_sgd_epsilon(0.7, q, round(70 / q), delta)
    assert 8.68 - 0.01 <= epsilon <= 8.68 * 1.05
    assert 2 <= order <= 256


def test_epsilon_moves_the_right_way():
    base, _ = dp_sgd_epsilon(1.0, 0.1, 200, 1e-5)
    assert dp_sgd_epsilon(2.0, 0.1, 200, 1e-5)[0] < base, "more noise, less epsilon"
    assert dp_sgd_epsilon(1.0, 0.1, 400, 1e-5)[0] > base, "more steps, more epsilon"
    assert dp_sgd_epsilon(1.0, 0.01, 200, 1e-5)[0] < base, "rarer sampling, less epsilon"
    assert dp_sgd_epsilon(1.0, 0.1, 200, 1e-3)[0] < base, "a larger delta buys a smaller epsilon"
    assert dp_sgd_epsilon(0.0, 0.1, 200, 1e-5)[0] == math.inf
    assert dp_sgd_epsilon(1.0, 0.1, 0, 1e-5)[0] == 0.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        sampled_gaussian_rdp(1.0, 0.1, 1)
    with pytest.raises(ValueError):
        sampled_gaussian_rdp(1.0, 0.0, 2)
    with pytest.raises(ValueError):
        dp_sgd_epsilon(1.0, 0.1, 10, 0.0)


def test_advantage_bound():
    assert membership_advantage_bound(0.0) == 0.0
    assert membership_advantage_bound(math.inf) == 1.0
    assert membership_advantage_bound(1.0) == pytest.approx((math.e - 1) / (math.e + 1))
    assert membership_advantage_bound(1.0, 1e-5) > membership_advantage_bound(1.0)
    values = [membership_advantage_bound(e) for e in np.linspace(0, 10, 11)]
    assert all(a < b for a, b in zip(values, values[1:]))
