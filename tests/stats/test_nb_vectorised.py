"""The vectorised fitter against one-trial-at-a-time fits: statsmodels' NegativeBinomial (which
estimates the same NB2 maximum likelihood, alpha = 1/theta) and, with the `r` marker, R's glm.nb."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.discrete.discrete_model import NegativeBinomial

from mesems.stats.nb_vectorised import THETA_MAX, fit_nb_batch
from mesems.stats.negbin import fit_negbin
from mesems.stats.power import PowerDesign, simulate_first_period


def glm_nb_reference(y: np.ndarray, X: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """One trial: statsmodels' MLE of (beta, alpha), then glm.nb's standard errors (X'WX)^-1 at theta."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NegativeBinomial(y, X, offset=offset)
        # BFGS to get near (statsmodels' Newton from its default start diverges on some trials), Newton to polish
        rough = model.fit(method="bfgs", disp=0, maxiter=5000)
        result = model.fit(start_params=rough.params, method="newton", disp=0, maxiter=300, tol=1e-14)
    beta, theta = result.params[:-1], 1.0 / result.params[-1]
    mu = np.exp(X @ beta + offset)
    w = mu / (1.0 + mu / theta)
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ (w[:, None] * X))))
    return beta, theta, se


def _relative(a: np.ndarray | float, b: np.ndarray | float) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(np.abs(np.asarray(b)), 1e-8)))


def _scaled(a: np.ndarray | float, b: np.ndarray | float) -> float:
    """Difference relative to max(|b|, 1): relative for estimates of size 1 or more, absolute
    below, where a relative error of a coefficient near 0 says nothing."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(np.abs(np.asarray(b)), 1.0)))


@pytest.mark.parametrize("design", [
    PowerDesign(n=144, rate_ratio=0.7, placebo_mean=1.0, theta=0.5),
    PowerDesign(n=40, rate_ratio=1.0, placebo_mean=3.0, theta=2.0, dropout=0.2),
])
def test_every_trial_equals_the_single_trial_fit(design: PowerDesign) -> None:
    trials = simulate_first_period(design, 150, np.random.default_rng(11))
    fit = trials.fit()
    X = trials.design_matrix()
    assert fit.converged.all()
    for t in range(150):
        keep = trials.scans[t] > 0
        beta, theta, se = glm_nb_reference(trials.y[t, keep], X[t, keep], np.log(trials.scans[t, keep]))
        if not np.isfinite(theta) or theta > THETA_MAX:
            # no overdispersion in this trial: the likelihood rises to theta = infinity (statsmodels
            # gives up at alpha = 0); the fit holds theta at its bound and beta is the Poisson fit's
            poisson = sm.GLM(trials.y[t, keep], X[t, keep], family=sm.families.Poisson(),
                             offset=np.log(trials.scans[t, keep])).fit(tol=1e-12)
            assert fit.theta_at_bound[t], t
            assert _relative(fit.coef[t], poisson.params) < 1e-4, t
            continue
        assert _relative(fit.coef[t], beta) < 1e-6, t
        assert _relative(fit.theta[t], theta) < 1e-6, t
        assert _relative(fit.se[t], se) < 1e-6, t


@pytest.mark.parametrize("design", [
    PowerDesign(n=144, rate_ratio=0.7, placebo_mean=1.0, theta=0.5),
    PowerDesign(n=60, rate_ratio=1.0, placebo_mean=2.0, theta=1.5, dropout=0.3),
])
def test_every_trial_equals_the_analysis_single_trial_glm_nb(design: PowerDesign) -> None:
    """The engine against `mesems.stats.negbin.fit_negbin`, the analysis's glm.nb (equal to R)."""
    trials = simulate_first_period(design, 200, np.random.default_rng(13))
    fit = trials.fit()
    X = trials.design_matrix()
    compared = 0
    for t in range(200):
        keep = trials.scans[t] > 0
        one = fit_negbin(X[t, keep], trials.y[t, keep], ("(Intercept)", "arm", "log(b+1)"),
                         offset=np.log(trials.scans[t, keep].astype(float)))
        if not one.converged or one.warnings:
            continue  # theta diverging (Poisson-like data): glm.nb itself stops with a warning
        compared += 1
        # fit_negbin stops where glm.nb does (|dL|/d1 + |d theta| < 1e-8), about 1e-7 from the
        # optimum; hence differences scaled by max(|estimate|, 1) for the coefficients
        assert _scaled(fit.coef[t], [c.estimate for c in one.coefficients]) < 1e-6, t
        assert _relative(fit.se[t], [c.se for c in one.coefficients]) < 1e-6, t
        assert _relative(fit.theta[t], one.theta) < 1e-6, t
    assert compared >= 190


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 1), st.floats(-1, 1)), min_size=12, max_size=40))
def test_small_data_sets_agree_with_statsmodels(rows: list[tuple[int, int, float]]) -> None:
    y = np.array([r[0] for r in rows], dtype=float)
    X = np.column_stack([np.ones(len(rows)), [r[1] for r in rows], [r[2] for r in rows]])
    if y.sum() == 0 or np.linalg.matrix_rank(X) < 3 or len(set(y)) < 3:
        return
    fit = fit_nb_batch(y[None], X[None])
    try:
        beta, theta, _ = glm_nb_reference(y, X, np.zeros(len(y)))
    except np.linalg.LinAlgError:
        return
    if not np.all(np.isfinite(beta)) or not 1e-3 < theta < THETA_MAX / 10:
        return
    assert fit.converged[0]
    assert _relative(fit.coef[0], beta) < 1e-5
    assert _relative(fit.theta[0], theta) < 1e-5


def test_poisson_like_counts_hold_theta_at_its_upper_bound() -> None:
    y = np.tile(np.array([1, 1, 2, 1, 2, 1, 1, 2, 1, 1], dtype=float), 4)[None]
    X = np.column_stack([np.ones(40), np.repeat([0.0, 1.0], 20)])[None]
    fit = fit_nb_batch(y, X)
    assert fit.theta_at_bound[0] and fit.theta[0] == pytest.approx(THETA_MAX)
    # theta at the bound: beta is the Poisson fit, log of each arm's mean
    assert fit.coef[0, 0] == pytest.approx(np.log(y[0, :20].mean()), rel=1e-4)


def test_zero_weight_leaves_a_participant_out() -> None:
    rng = np.random.default_rng(2)
    y = rng.negative_binomial(1.0, 0.4, size=(3, 30)).astype(float)
    X = np.stack([np.ones((3, 30)), np.tile(np.repeat([0.0, 1.0], 15), (3, 1))], axis=2)
    weights = np.ones((3, 30))
    weights[:, :5] = 0.0
    y_wild = y.copy()
    y_wild[:, :5] = 1000.0
    left_out = fit_nb_batch(y_wild, X, weights=weights)
    dropped = fit_nb_batch(y[:, 5:], X[:, 5:])
    np.testing.assert_allclose(left_out.coef, dropped.coef, rtol=1e-8)
    np.testing.assert_allclose(left_out.theta, dropped.theta, rtol=1e-8)


@pytest.mark.r
def test_equals_r_glm_nb(tmp_path: Path) -> None:
    trials = simulate_first_period(PowerDesign(n=144, rate_ratio=0.8), 5, np.random.default_rng(5))
    fit = trials.fit()
    rows = []
    for t in range(5):
        rows.extend(f"{t},{trials.y[t, i]},{trials.baseline[t, i]},{int(trials.arm[i])}" for i in range(144))
    (tmp_path / "d.csv").write_text("trial,y,b,arm\n" + "\n".join(rows) + "\n")
    script = f"""
    suppressMessages(library(MASS))
    d <- read.csv('{tmp_path / "d.csv"}')
    for (t in 0:4) {{
      s <- d[d$trial == t, ]
      m <- glm.nb(y ~ arm + log(b + 1) + offset(log(rep(3, nrow(s)))), data = s,
                  control = glm.control(epsilon = 1e-12, maxit = 100))
      cat(coef(m), sqrt(diag(vcov(m))), m$theta, "\\n")
    }}
    """
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split("\n")
    for t, line in enumerate(x for x in out if x.strip()):
        values = np.array(line.split(), dtype=float)
        assert _relative(fit.coef[t], values[:3]) < 1e-6
        assert _relative(fit.se[t], values[3:6]) < 1e-5
        assert _relative(fit.theta[t], values[6]) < 1e-6
