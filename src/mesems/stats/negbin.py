"""Negative binomial (NB2, log link) regression with an offset and maximum-likelihood theta,
equal to R `MASS::glm.nb`.

The algorithm is glm.nb's own alternation (Venables & Ripley, MASS 4th ed., section 7.4):
1. a Poisson IRLS fit (`glm.fit`, start mu = y + 0.1) gives mu; `theta.ml` gives theta;
2. repeat: IRLS for beta with theta fixed, started at the last mu; theta.ml at the mu *before*
   that IRLS fit (as glm.nb does); stop when |L - L_prev|/d1 + |theta - theta_prev| <= 1e-8,
   with d1 = sqrt(2 max(1, n - p)) and L the NB log-likelihood, or after 25 alternations.
Standard errors are (X' W X)^-1 with W = mu/(1 + mu/theta) at the estimates: the coefficients'
Fisher information with theta held at its estimate, as `summary.negbin` reports them.

`glm_nb_batch` runs many independent data sets at once (leading axis), each stopping on its own
criterion, so a batch gives what each data set gives alone; `fit_negbin` is one data set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mesems.errors import AnalysisError
from mesems.stats.likelihood import (
    Array,
    FloatArray,
    coefficient_covariance,
    irls_step,
    nb_deviance,
    nb_loglik,
    poisson_deviance,
    theta_ml,
)
from mesems.stats.results import Coefficient, find_coefficient, wald_coefficients

GLM_EPSILON: float = 1e-8
"""glm.control()$epsilon: the relative deviance change that ends IRLS, and glm.nb's outer tolerance."""
GLM_MAXIT: int = 25
"""glm.control()$maxit: IRLS iterations, alternations and theta.ml's limit."""

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class IrlsFit:
    """R `glm.fit` results for a batch of data sets (leading axis)."""

    beta: FloatArray
    mu: FloatArray
    deviance: FloatArray
    converged: BoolArray
    iterations: NDArray[np.int_]
    boundary: BoolArray


def _deviance(y: FloatArray, mu: FloatArray, theta: FloatArray | None) -> FloatArray:
    return poisson_deviance(y, mu) if theta is None else nb_deviance(y, mu, theta[:, None])


def glm_fit(x: FloatArray, y: FloatArray, offset: FloatArray, theta: FloatArray | None,
            eta_start: FloatArray | None = None, maxit: int = GLM_MAXIT,
            epsilon: float = GLM_EPSILON) -> IrlsFit:
    """IRLS of R `glm.fit` for the log link: Poisson when `theta` is None, else NB2 with theta fixed.

    Without `eta_start`, eta starts at log(y + 0.1) (Poisson) or log(y + [y = 0]/6) (NB), the
    families' `initialize`. Each pass is `irls_step`; a data set stops when
    |D - D_prev| / (|D| + 0.1) < epsilon. A step giving a non-finite deviance or a zero mean is
    halved towards the previous coefficients, as glm.fit does. Shapes: x (B, n, p); y, offset,
    eta_start (B, n); theta (B,).
    """
    batch, _, p = x.shape
    if eta_start is None:
        eta = np.log(y + 0.1) if theta is None else np.log(y + (y == 0) / 6.0)
    else:
        eta = eta_start.copy()
    mu = np.exp(eta)
    dev_old = _deviance(y, mu, theta)
    beta = np.zeros((batch, p))
    coef_old = np.full((batch, p), np.nan)
    converged = np.zeros(batch, dtype=bool)
    boundary = np.zeros(batch, dtype=bool)
    iterations = np.zeros(batch, dtype=int)
    deviance = dev_old.copy()
    active = np.ones(batch, dtype=bool)
    for it in range(1, maxit + 1):
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        th = None if theta is None else theta[idx][:, None]
        start = irls_step(x[idx], y[idx], eta[idx], offset[idx], th)
        eta_i = np.einsum("bnp,bp->bn", x[idx], start) + offset[idx]
        mu_i = np.exp(eta_i)
        dev = _deviance(y[idx], mu_i, None if theta is None else theta[idx])
        bad = ~np.isfinite(dev) | np.any(mu_i <= 0, axis=1) | ~np.all(np.isfinite(mu_i), axis=1)
        for _ in range(maxit):
            if not bad.any():
                break
            halve = np.nonzero(bad)[0]
            start[halve] = (start[halve] + coef_old[idx[halve]]) / 2.0
            eta_i[halve] = np.einsum("bnp,bp->bn", x[idx[halve]], start[halve]) + offset[idx[halve]]
            mu_i[halve] = np.exp(eta_i[halve])
            dev[halve] = _deviance(y[idx[halve]], mu_i[halve], None if theta is None else theta[idx[halve]])
            boundary[idx[halve]] = True
            bad = ~np.isfinite(dev) | np.any(mu_i <= 0, axis=1) | ~np.all(np.isfinite(mu_i), axis=1)
        eta[idx], mu[idx], beta[idx], deviance[idx] = eta_i, mu_i, start, dev
        iterations[idx] = it
        done = np.abs(dev - dev_old[idx]) / (np.abs(dev) + 0.1) < epsilon
        converged[idx[done]] = True
        failed = bad
        active[idx[done | failed]] = False
        dev_old[idx] = dev
        coef_old[idx] = start
    return IrlsFit(beta=beta, mu=mu, deviance=deviance, converged=converged, iterations=iterations,
                   boundary=boundary)


@dataclass(frozen=True)
class NegBinBatch:
    """glm.nb for a batch of data sets: arrays over the leading axis."""

    beta: FloatArray
    se: FloatArray
    theta: FloatArray
    theta_se: FloatArray
    mu: FloatArray
    loglik: FloatArray
    converged: BoolArray
    alternations: NDArray[np.int_]
    theta_limit_reached: BoolArray
    theta_truncated: BoolArray


def glm_nb_batch(x: FloatArray, y: Array, offset: FloatArray | None = None,
                 maxit: int = GLM_MAXIT, epsilon: float = GLM_EPSILON) -> NegBinBatch:
    """R `MASS::glm.nb(y ~ X - 1 + offset(offset))` for each data set of a batch.

    Shapes: x (B, n, p) with the intercept column included; y, offset (B, n). See the module
    docstring for the algorithm; `converged` means the last IRLS fit converged, the alternation
    stopped before its limit and every number is finite.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    batch, n, p = x.shape
    offset = np.zeros((batch, n)) if offset is None else np.asarray(offset, dtype=float)
    fit = glm_fit(x, y, offset, None, maxit=maxit, epsilon=epsilon)
    mu = fit.mu
    beta = fit.beta
    irls_converged = fit.converged
    est = theta_ml(y, mu, limit=maxit)
    theta, theta_se = est.theta.copy(), est.se.copy()
    limit_reached, truncated = est.limit_reached.copy(), est.truncated.copy()
    d1 = math.sqrt(2.0 * max(1, n - p))
    delta = np.ones(batch)
    loglik = nb_loglik(y, mu, theta[:, None])
    loglik_old = loglik + 2.0 * d1
    alternations = np.zeros(batch, dtype=int)
    active = np.ones(batch, dtype=bool)
    for it in range(1, maxit + 1):
        active &= (np.abs(loglik_old - loglik) / d1 + np.abs(delta)) > epsilon
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        fit = glm_fit(x[idx], y[idx], offset[idx], theta[idx], eta_start=np.log(mu[idx]),
                      maxit=maxit, epsilon=epsilon)
        est = theta_ml(y[idx], mu[idx], limit=maxit)
        delta[idx] = theta[idx] - est.theta
        theta[idx], theta_se[idx] = est.theta, est.se
        limit_reached[idx], truncated[idx] = est.limit_reached, est.truncated
        mu[idx], beta[idx], irls_converged[idx] = fit.mu, fit.beta, fit.converged
        loglik_old[idx] = loglik[idx]
        loglik[idx] = nb_loglik(y[idx], fit.mu, est.theta[:, None])
        alternations[idx] = it
    with np.errstate(all="ignore"):
        cov = coefficient_covariance(x, mu, theta[:, None])
        se = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    finite = np.isfinite(beta).all(axis=1) & np.isfinite(se).all(axis=1) & np.isfinite(theta) & (theta > 0)
    converged = irls_converged & (alternations < maxit) & finite
    return NegBinBatch(beta=beta, se=se, theta=theta, theta_se=theta_se, mu=mu, loglik=loglik,
                       converged=converged, alternations=alternations, theta_limit_reached=limit_reached,
                       theta_truncated=truncated)


@dataclass(frozen=True)
class NegBinFit:
    """One glm.nb fit: Wald coefficients (log scale), theta and how the fit went."""

    coefficients: tuple[Coefficient, ...]
    covariance: tuple[tuple[float, ...], ...]
    theta: float
    theta_se: float
    loglik: float
    n: int
    converged: bool
    iterations: int
    warnings: tuple[str, ...]
    method: str = "NB2 log-link GLM, ML theta (MASS::glm.nb algorithm), Wald inference"

    def coefficient(self, name: str) -> Coefficient:
        return find_coefficient(self.coefficients, name)


def fit_negbin(x: FloatArray, y: Array, names: tuple[str, ...],
               offset: FloatArray | None = None) -> NegBinFit:
    """Fit glm.nb to one data set: x (n, p) with its intercept column, y (n,) counts, offset (n,).

    Raises AnalysisError when the design cannot be fitted (too few observations, a column that
    is constant or collinear). Doubts that R reports as warnings come back in `warnings`.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    if len(names) != p:
        raise AnalysisError(f"{len(names)} coefficient names for {p} design columns")
    if n <= p:
        raise AnalysisError(f"{n} observation(s) cannot estimate {p} coefficients and theta")
    if np.linalg.matrix_rank(x) < p:
        raise AnalysisError(f"the design of {', '.join(names)} is rank deficient (a constant or collinear column)")
    if not np.any(y > 0):
        raise AnalysisError("every count is zero: the negative binomial model cannot be fitted")
    off = None if offset is None else np.asarray(offset, dtype=float)[None]
    batch = glm_nb_batch(x[None], y[None], off)
    warnings = []
    if batch.theta_limit_reached[0]:
        warnings.append("theta.ml: iteration limit reached")
    if batch.theta_truncated[0]:
        warnings.append("theta.ml: estimate truncated at zero")
    if batch.alternations[0] >= GLM_MAXIT:
        warnings.append("alternation limit reached")
    cov = coefficient_covariance(x, batch.mu[0], float(batch.theta[0]))
    return NegBinFit(
        coefficients=wald_coefficients(names, batch.beta[0], cov) if batch.converged[0] else tuple(
            Coefficient(nm, float(b), math.nan, math.nan, math.nan, math.nan, math.nan)
            for nm, b in zip(names, batch.beta[0], strict=True)),
        covariance=tuple(tuple(float(v) for v in row) for row in cov),
        theta=float(batch.theta[0]), theta_se=float(batch.theta_se[0]), loglik=float(batch.loglik[0]),
        n=n, converged=bool(batch.converged[0]), iterations=int(batch.alternations[0]), warnings=tuple(warnings),
    )


def fit_poisson(x: FloatArray, y: Array, names: tuple[str, ...], offset: FloatArray | None = None) -> NegBinFit:
    """Poisson log-linear GLM (R `glm(family = poisson)`), the limit theta -> infinity of NB2: for
    counts without overdispersion, where glm.nb's theta diverges. SEs from (X' diag(mu) X)^-1."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.shape[0]
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    fit = glm_fit(x[None], y[None], off[None], None)
    cov = coefficient_covariance(x, fit.mu[0], None)
    converged = bool(fit.converged[0] and np.all(np.isfinite(cov)))
    return NegBinFit(coefficients=wald_coefficients(names, fit.beta[0], cov),
                     covariance=tuple(tuple(float(v) for v in row) for row in cov), theta=math.inf,
                     theta_se=math.nan, loglik=math.nan, n=n, converged=converged,
                     iterations=int(fit.iterations[0]), warnings=(),
                     method="Poisson log-linear GLM, Wald inference")
