from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaln

from mesems.errors import AnalysisError
from mesems.stats.gel import PERIOD_2, TREATMENT, crossover_data, fit_crossover, gel_design, read_gel
from mesems.stats.glmm import _Data, _Laplace, fit_nb_glmm
from tests.stats.conftest import DATA, DATASETS, R_RESULTS, assert_coefficients_match, relative

R_NAMES = {"(Intercept)": "(Intercept)", "treatment": TREATMENT, "period": PERIOD_2}


@pytest.mark.parametrize("name", DATASETS)
def test_nb_glmm_equals_glmmtmb_to_2e3(name: str) -> None:
    data = crossover_data(read_gel(DATA / f"{name}.csv", gel_design()))
    fit = fit_crossover(data)
    reference = R_RESULTS[name]["crossover"]
    assert reference["converged"]
    assert (fit.n, fit.n_groups) == (reference["n_scans"], reference["n_participants"])
    assert relative(fit.theta, reference["theta"]) < 2e-3
    assert relative(fit.random_intercept_sd, reference["random_intercept_sd"]) < 2e-3
    assert relative(fit.loglik, reference["loglik"]) < 1e-7
    assert_coefficients_match(fit, reference["coefficients"], R_NAMES, 2e-3)


def _laplace(seed: int) -> _Laplace:
    rng = np.random.default_rng(seed)
    groups = 40
    group = np.repeat(np.arange(groups), 5)
    x = np.column_stack([np.ones(group.size), rng.integers(0, 2, group.size)]).astype(float)
    mu = np.exp(0.2 + rng.normal(0, 0.7, groups)[group] - 0.3 * x[:, 1])
    y = rng.negative_binomial(1.2, 1.2 / (1.2 + mu)).astype(float)
    return _Laplace(_Data(x, y, np.zeros(y.size), group, groups, gammaln(y + 1.0)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_analytic_gradient_of_the_laplace_likelihood_matches_finite_differences(seed: int) -> None:
    laplace = _laplace(seed)
    phi = np.array([0.1, -0.2, 0.3, -0.4])
    _, gradient = laplace.value_and_gradient(phi)
    numeric = []
    for k in range(phi.size):
        step = np.zeros_like(phi)
        step[k] = 1e-6
        numeric.append((laplace.value_and_gradient(phi + step)[0] - laplace.value_and_gradient(phi - step)[0]) / 2e-6)
    assert np.allclose(gradient, numeric, rtol=1e-5, atol=1e-6)


def test_counts_without_participant_heterogeneity_put_the_sd_at_its_boundary() -> None:
    rng = np.random.default_rng(9)
    group = np.repeat(np.arange(150), 4)
    x = np.column_stack([np.ones(group.size), np.tile([0.0, 1.0], group.size // 2)])
    y = rng.negative_binomial(1.0, 0.5, group.size).astype(float)
    fit = fit_nb_glmm(x, y, group, ("a", "b"))
    assert fit.random_intercept_sd < 0.1
    if fit.random_intercept_sd < 1e-4:
        assert any("boundary" in w for w in fit.warnings)


def test_an_all_zero_outcome_is_refused() -> None:
    with pytest.raises(AnalysisError, match="every count is zero"):
        fit_nb_glmm(np.ones((10, 1)), np.zeros(10), np.repeat(np.arange(5), 2), ("a",))
