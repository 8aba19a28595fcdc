from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from mesems.errors import AnalysisError
from mesems.stats.gel import LOG_BASELINE, TREATMENT, fit_primary, gel_design, primary_data, read_gel
from mesems.stats.negbin import fit_negbin, fit_poisson, glm_nb_batch
from tests.stats.conftest import DATA, DATASETS, R_RESULTS, assert_coefficients_match, relative

R_NAMES = {"(Intercept)": "(Intercept)", "treatment": TREATMENT, "log(baseline + 1)": LOG_BASELINE}


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("model, adjust", [("primary", True), ("unadjusted", False)])
def test_glm_nb_equals_r_to_1e4_standard_errors_included(name: str, model: str, adjust: bool) -> None:
    data = primary_data(read_gel(DATA / f"{name}.csv", gel_design()), gel_design())
    fit = fit_primary(data, adjust)
    reference = R_RESULTS[name][model]
    assert fit.n == reference["n"]
    assert relative(fit.theta, reference["theta"]) < 1e-4
    assert relative(fit.theta_se, reference["theta_se"]) < 1e-4
    assert relative(fit.loglik, reference["loglik"]) < 1e-6
    assert_coefficients_match(fit, reference["coefficients"], R_NAMES, 1e-4)


def test_a_batch_gives_what_each_data_set_gives_alone() -> None:
    rng = np.random.default_rng(11)
    sims, n = 6, 60
    arm = np.tile(np.repeat([0.0, 1.0], n // 2), (sims, 1))
    base = rng.negative_binomial(0.8, 0.8 / 2.3, (sims, n)).astype(float)
    x = np.stack([np.ones((sims, n)), arm, np.log(base + 1)], axis=-1)
    mu = 3.0 * np.exp(-0.3 * arm + 0.4 * np.log(base + 1))
    y = rng.negative_binomial(0.9, 0.9 / (0.9 + mu)).astype(float)
    batch = glm_nb_batch(x, y, np.full((sims, n), np.log(3.0)))
    for i in range(sims):
        alone = fit_negbin(x[i], y[i], ("a", "b", "c"), np.full(n, np.log(3.0)))
        assert np.allclose(batch.beta[i], [c.estimate for c in alone.coefficients], rtol=1e-12, atol=1e-12)
        assert np.allclose(batch.se[i], [c.se for c in alone.coefficients], rtol=1e-12)
        assert batch.theta[i] == pytest.approx(alone.theta, rel=1e-12)
        assert batch.alternations[i] == alone.iterations


def test_poisson_fallback_equals_statsmodels_poisson_glm() -> None:
    rng = np.random.default_rng(5)
    x = np.column_stack([np.ones(200), rng.integers(0, 2, 200), rng.normal(size=200)])
    offset = np.log(rng.uniform(0.5, 1.0, 200))
    y = rng.poisson(np.exp(x @ [0.1, -0.4, 0.2] + offset)).astype(float)
    fit = fit_poisson(x, y, ("a", "b", "c"), offset)
    reference = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    assert np.allclose([c.estimate for c in fit.coefficients], reference.params, rtol=1e-7)
    assert np.allclose([c.se for c in fit.coefficients], reference.bse, rtol=1e-6)
    assert fit.theta == np.inf


def test_counts_without_overdispersion_do_not_pass_as_converged_nb() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(300), np.repeat([0.0, 1.0], 150)])
    y = rng.poisson(2.0, 300).astype(float)
    fit = fit_negbin(x, y, ("a", "b"))
    assert fit.theta > 50 or not fit.converged


@pytest.mark.parametrize("x, y, message", [
    (np.ones((2, 2)), np.array([1.0, 2.0]), "cannot estimate"),
    (np.column_stack([np.ones(5), np.ones(5)]), np.arange(5.0), "rank deficient"),
    (np.column_stack([np.ones(5), np.arange(5.0)]), np.zeros(5), "every count is zero"),
])
def test_designs_that_cannot_be_fitted_are_refused(x: np.ndarray, y: np.ndarray, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        fit_negbin(x, y, ("a", "b"))


def test_type_i_error_of_the_primary_wald_test_is_about_five_percent() -> None:
    """Null trials as the `power` contract draws them (n = 144, 3 post-baseline scans, RR = 1):
    the primary model's two-sided Wald test rejects in about 5% of 1,000 trials."""
    rng = np.random.default_rng(20260)
    sims, n, mean, theta = 1000, 144, 1.3, 0.7
    p_nb = theta / (theta + mean)
    base = rng.negative_binomial(theta, p_nb, (sims, n)).astype(float)
    y = rng.negative_binomial(theta, p_nb, (sims, n, 3)).sum(axis=2).astype(float)
    arm = np.tile(np.repeat([1.0, 0.0], n // 2), (sims, 1))
    x = np.stack([np.ones((sims, n)), arm, np.log(base + 1)], axis=-1)
    batch = glm_nb_batch(x, y, np.full((sims, n), np.log(3.0)))
    assert batch.converged.all()
    z = batch.beta[:, 1] / batch.se[:, 1]
    rate = float(np.mean(np.abs(z) > 1.959963984540054))
    monte_carlo_se = np.sqrt(0.05 * 0.95 / sims)
    assert abs(rate - 0.05) < 3.5 * monte_carlo_se, rate
