from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import nbinom

from mesems.stats.likelihood import (
    coefficient_covariance,
    irls_step,
    irls_weights,
    nb_deviance,
    nb_loglik,
    poisson_deviance,
    theta_information,
    theta_ml,
    theta_score,
)

counts = st.lists(st.integers(0, 60), min_size=1, max_size=30)


@given(counts, st.floats(0.05, 30.0), st.floats(0.05, 50.0))
def test_loglik_is_the_nb2_log_pmf(y: list[int], mean: float, theta: float) -> None:
    y_arr = np.array(y, dtype=float)
    mu = np.full_like(y_arr, mean)
    expected = nbinom.logpmf(y_arr, theta, theta / (theta + mu)).sum()
    assert np.isclose(nb_loglik(y_arr, mu, theta), expected, rtol=1e-10, atol=1e-9)


@given(counts, st.floats(0.1, 20.0), st.floats(0.1, 20.0))
def test_score_and_information_are_derivatives_of_the_loglik(y: list[int], mean: float, theta: float) -> None:
    y_arr = np.array(y, dtype=float)
    mu = np.full_like(y_arr, mean)
    h = 1e-5 * theta
    numeric_score = (nb_loglik(y_arr, mu, theta + h) - nb_loglik(y_arr, mu, theta - h)) / (2 * h)
    numeric_info = -(theta_score(y_arr, mu, theta + h) - theta_score(y_arr, mu, theta - h)) / (2 * h)
    assert np.isclose(theta_score(y_arr, mu, theta), numeric_score, rtol=1e-5, atol=1e-6)
    assert np.isclose(theta_information(y_arr, mu, theta), numeric_info, rtol=1e-5, atol=1e-6)


def test_deviances_are_zero_at_the_saturated_fit_and_positive_elsewhere() -> None:
    y = np.array([0.0, 1.0, 4.0, 9.0])
    assert np.isclose(nb_deviance(y, np.where(y == 0, 1e-300, y), 2.0), 0.0, atol=1e-9)
    assert np.isclose(poisson_deviance(y, np.where(y == 0, 1e-300, y)), 0.0, atol=1e-9)
    assert nb_deviance(y, np.full(4, 3.0), 2.0) > 0
    assert poisson_deviance(y, np.full(4, 3.0)) > 0


def test_theta_ml_of_a_batch_equals_each_data_set_alone() -> None:
    rng = np.random.default_rng(3)
    mu = rng.uniform(0.5, 4.0, (5, 80))
    y = rng.negative_binomial(1.3, 1.3 / (1.3 + mu)).astype(float)
    batch = theta_ml(y, mu)
    for i in range(5):
        alone = theta_ml(y[i], mu[i])
        assert batch.theta[i] == alone.theta
        assert batch.iterations[i] == alone.iterations
    assert np.allclose(theta_score(y, mu, batch.theta[:, None]), 0.0, atol=1e-5)


def test_irls_weights_reduce_to_poisson_and_step_solves_weighted_least_squares() -> None:
    mu = np.array([0.5, 2.0, 7.0])
    assert np.allclose(irls_weights(mu, None), mu)
    assert np.allclose(irls_weights(mu, 2.0), mu / (1 + mu / 2.0))
    x = np.column_stack([np.ones(3), [0.0, 1.0, 2.0]])
    beta = irls_step(x, np.array([1.0, 2.0, 6.0]), np.log(mu), np.zeros(3), 2.0)
    assert beta.shape == (2,)
    assert coefficient_covariance(x, mu, 2.0).shape == (2, 2)


@settings(max_examples=20)
@given(st.integers(2, 6))
def test_kernels_broadcast_over_leading_axes(batch: int) -> None:
    rng = np.random.default_rng(batch)
    mu = rng.uniform(0.5, 3.0, (batch, 10))
    y = rng.poisson(mu).astype(float)
    theta = np.full((batch, 1), 1.5)
    assert nb_loglik(y, mu, theta).shape == (batch,)
    assert np.isclose(nb_loglik(y, mu, theta)[0], nb_loglik(y[0], mu[0], 1.5))
    x = np.broadcast_to(np.column_stack([np.ones(10), np.arange(10.0)]), (batch, 10, 2))
    assert irls_step(x, y, np.log(mu), np.zeros_like(mu), theta).shape == (batch, 2)
