"""Negative binomial (NB2) mixed model with a random intercept per group, fitted by the Laplace
approximation as R `glmmTMB(y ~ x + (1 | group), family = nbinom2)` fits it.

Model: y_ij ~ NB2(mu_ij, theta), log mu_ij = x_ij' beta + offset_ij + b_i, b_i ~ N(0, sigma^2).
Parameters phi = (beta, tau = log theta, s = log sigma), as glmmTMB's (beta, betad, theta).

For each group the negative joint log density is
    g_i(b) = -sum_j l(y_ij; eta_ij) + b^2/(2 sigma^2) + log sigma + log(2 pi)/2,
with l the NB2 log-likelihood. The inner step finds b_i = argmin g_i by Newton's method (g_i is
convex: its second derivative H_i = sum_j w_ij + 1/sigma^2, w = theta mu (theta + y)/(theta + mu)^2,
is positive); the Laplace approximation of the marginal negative log-likelihood is then
    -log L(phi) = sum_i [ g_i(b_i) + log(H_i)/2 - log(2 pi)/2 ],
exactly TMB's (Kristensen et al., J Stat Softw 2016;70(5)) for independent random intercepts,
whose Hessian is diagonal. Its gradient is analytic here (envelope theorem plus the implicit
derivative of b_i in the log-determinant term); the outer optimisation uses it, and standard
errors come from the inverse of the Hessian in phi, by central differences of that gradient, as
TMB's `sdreport` (which differentiates its AD gradient numerically too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from mesems.errors import AnalysisError
from mesems.stats.likelihood import Array, FloatArray
from mesems.stats.negbin import glm_nb_batch
from mesems.stats.results import Coefficient, find_coefficient, wald_coefficients

LOG_SD_BOUNDS: tuple[float, float] = (-12.0, 5.0)
LOG_THETA_BOUNDS: tuple[float, float] = (-8.0, 18.0)
INNER_TOLERANCE: float = 1e-11


@dataclass(frozen=True)
class GlmmFit:
    """One NB2 random-intercept fit: Wald coefficients (log scale), theta, the random-intercept SD."""

    coefficients: tuple[Coefficient, ...]
    theta: float
    random_intercept_sd: float
    loglik: float
    n: int
    n_groups: int
    converged: bool
    iterations: int
    warnings: tuple[str, ...]
    method: str = "NB2 log-link GLMM, random intercept, Laplace approximation (as glmmTMB nbinom2), Wald inference"

    def coefficient(self, name: str) -> Coefficient:
        return find_coefficient(self.coefficients, name)


@dataclass(frozen=True)
class _Data:
    x: FloatArray
    y: FloatArray
    offset: FloatArray
    group: NDArray[np.intp]
    n_groups: int
    lgamma_y1: FloatArray


class _Laplace:
    """The Laplace objective and its gradient; keeps the last modes as the next warm start."""

    def __init__(self, data: _Data) -> None:
        self.data = data
        self.b = np.zeros(data.n_groups)

    def _sum(self, values: FloatArray) -> FloatArray:
        totals: FloatArray = np.bincount(self.data.group, weights=values, minlength=self.data.n_groups).astype(float)
        return totals

    def modes(self, beta: FloatArray, theta: float, sigma: float) -> tuple[FloatArray, FloatArray]:
        """Inner Newton: b_i = argmin g_i, with step halving where g_i would rise. Returns (b, eta)."""
        d = self.data
        fixed = d.x @ beta + d.offset
        prec = 1.0 / sigma**2
        b = self.b.copy()

        def objective(b_: FloatArray, eta_: FloatArray) -> FloatArray:
            # the b-dependent part of g_i: -[y eta - (theta + y) log(theta + mu)] + b^2/(2 sigma^2)
            return self._sum(-(d.y * eta_ - (theta + d.y) * np.log(theta + np.exp(eta_)))) + 0.5 * prec * b_**2

        eta = fixed + b[d.group]
        current = objective(b, eta)
        for _ in range(200):
            mu = np.exp(eta)
            grad = -self._sum(theta * (d.y - mu) / (theta + mu)) + prec * b
            hess = self._sum(theta * mu * (theta + d.y) / (theta + mu) ** 2) + prec
            step = grad / hess
            if np.max(np.abs(step)) < INNER_TOLERANCE:
                break
            scale = np.ones_like(b)
            for _ in range(30):
                trial = b - scale * step
                eta_trial = fixed + trial[d.group]
                value = objective(trial, eta_trial)
                worse = ~(value <= current + 1e-12 * np.abs(current))
                if not worse.any():
                    break
                scale[worse] /= 2.0
            b, eta, current = trial, eta_trial, value
        self.b = b
        return b, eta

    def value_and_gradient(self, phi: FloatArray) -> tuple[float, FloatArray]:
        d = self.data
        p = d.x.shape[1]
        beta, tau, s = phi[:p], float(phi[p]), float(phi[p + 1])
        theta, sigma = math.exp(tau), math.exp(s)
        prec = 1.0 / sigma**2
        b, eta = self.modes(beta, theta, sigma)
        y = d.y
        mu = np.exp(eta)
        tm = theta + mu
        loglik = (gammaln(theta + y) - gammaln(theta) - d.lgamma_y1 + theta * (tau - np.log(tm))
                  + y * (eta - np.log(tm)))
        w = theta * mu * (theta + y) / tm**2
        w_eta = theta * (theta + y) * mu * (theta - mu) / tm**3
        a1 = theta * (y - mu) / tm
        l_tau = theta * (digamma(theta + y) - digamma(theta) + tau + 1.0 - np.log(tm) - (y + theta) / tm)
        l_eta_tau = theta * (y - mu) * mu / tm**2
        w_tau = theta * mu * (2.0 * theta * mu + y * mu - theta * y) / tm**3
        hess = self._sum(w) + prec
        w_eta_sum = self._sum(w_eta)
        value = float(np.sum(-self._sum(loglik) + 0.5 * prec * b**2 + s + 0.5 * np.log(hess)))

        half_over_h = 0.5 / hess
        # d b_i / d beta = -sum_j w x / H_i; dH_i/d beta = sum_j w_eta x + (sum_j w_eta) db_i/d beta
        wx = np.stack([self._sum(w * d.x[:, k]) for k in range(p)], axis=1)
        weta_x = np.stack([self._sum(w_eta * d.x[:, k]) for k in range(p)], axis=1)
        db_dbeta = -wx / hess[:, None]
        dh_dbeta = weta_x + w_eta_sum[:, None] * db_dbeta
        grad_beta = -(a1 @ d.x) + (half_over_h[:, None] * dh_dbeta).sum(axis=0)
        db_dtau = self._sum(l_eta_tau) / hess
        grad_tau = -float(np.sum(l_tau)) + float(np.sum(half_over_h * (self._sum(w_tau) + w_eta_sum * db_dtau)))
        db_ds = 2.0 * b * prec / hess
        grad_s = float(np.sum(1.0 - prec * b**2 + half_over_h * (-2.0 * prec + w_eta_sum * db_ds)))
        return value, np.concatenate([grad_beta, [grad_tau, grad_s]])


def _hessian(laplace: _Laplace, phi: FloatArray) -> FloatArray:
    """Central differences of the analytic gradient, symmetrised (as TMB's sdreport/optimHess)."""
    k = phi.size
    out = np.empty((k, k))
    for j in range(k):
        h = 1e-4 * max(1.0, abs(phi[j]))
        up, down = phi.copy(), phi.copy()
        up[j] += h
        down[j] -= h
        out[:, j] = (laplace.value_and_gradient(up)[1] - laplace.value_and_gradient(down)[1]) / (2.0 * h)
    return 0.5 * (out + out.T)


def _start(data: _Data) -> FloatArray:
    """Start from glm.nb ignoring the groups, log sigma = 0."""
    fit = glm_nb_batch(data.x[None], data.y[None], data.offset[None])
    beta = fit.beta[0] if np.all(np.isfinite(fit.beta[0])) else np.zeros(data.x.shape[1])
    theta = float(fit.theta[0]) if np.isfinite(fit.theta[0]) and fit.theta[0] > 0 else 1.0
    tau = float(np.clip(math.log(theta), *LOG_THETA_BOUNDS))
    return np.concatenate([beta, [tau, 0.0]])


def _newton_polish(laplace: _Laplace, phi: FloatArray, value: float) -> tuple[FloatArray, float, FloatArray, int]:
    """Newton steps with the finite-difference Hessian until the gradient vanishes (to 1e-7)."""
    iterations = 0
    hessian = _hessian(laplace, phi)
    for _ in range(20):
        value, grad = laplace.value_and_gradient(phi)
        if np.max(np.abs(grad)) < 1e-7:
            break
        try:
            step = np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            break
        scale = 1.0
        while scale > 1e-4:
            trial = phi - scale * step
            trial_value, _ = laplace.value_and_gradient(trial)
            if trial_value <= value + 1e-10 * abs(value):
                break
            scale /= 2.0
        else:
            break
        phi, value = trial, trial_value
        iterations += 1
        hessian = _hessian(laplace, phi)
    return phi, value, hessian, iterations


def fit_nb_glmm(x: FloatArray, y: Array, group: NDArray[np.intp], names: tuple[str, ...],
                offset: FloatArray | None = None) -> GlmmFit:
    """Fit the NB2 random-intercept model: x (n, p) with its intercept column, y (n,) counts,
    group (n,) integer codes 0..G-1 of the grouping factor, offset (n,).

    Raises AnalysisError when the design cannot be fitted; a fit whose optimiser did not converge
    or whose Hessian is not positive definite comes back with converged=False and a warning.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    group = np.asarray(group, dtype=np.intp)
    n, p = x.shape
    if len(names) != p:
        raise AnalysisError(f"{len(names)} coefficient names for {p} design columns")
    if n <= p + 2:
        raise AnalysisError(f"{n} observation(s) cannot estimate {p} coefficients, theta and a random intercept")
    if np.linalg.matrix_rank(x) < p:
        raise AnalysisError(f"the design of {', '.join(names)} is rank deficient (a constant or collinear column)")
    if not np.any(y > 0):
        raise AnalysisError("every count is zero: the negative binomial model cannot be fitted")
    n_groups = int(group.max()) + 1
    data = _Data(x=x, y=y, offset=np.zeros(n) if offset is None else np.asarray(offset, dtype=float),
                 group=group, n_groups=n_groups, lgamma_y1=gammaln(y + 1.0))
    laplace = _Laplace(data)
    bounds = [(None, None)] * p + [LOG_THETA_BOUNDS, LOG_SD_BOUNDS]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        first = minimize(laplace.value_and_gradient, _start(data), jac=True, method="L-BFGS-B", bounds=bounds,
                         options={"maxiter": 1000, "ftol": 1e-15, "gtol": 1e-9})
        phi, value, hessian, polish = _newton_polish(laplace, np.asarray(first.x), float(first.fun))
        _, grad = laplace.value_and_gradient(phi)
    warnings: list[str] = []
    converged = bool(np.all(np.isfinite(phi)) and np.max(np.abs(grad)) < 1e-4)
    if not converged:
        warnings.append(f"the optimiser did not converge (largest gradient {np.max(np.abs(grad)):.3g})")
    if phi[p + 1] <= LOG_SD_BOUNDS[0] + 1e-3:
        warnings.append("the random-intercept SD is estimated at zero (boundary): the model reduces to glm.nb")
    if phi[p] >= LOG_THETA_BOUNDS[1] - 1e-3:
        warnings.append("theta is estimated at infinity (no overdispersion beyond the random intercept)")
    covariance: FloatArray
    try:
        covariance = np.linalg.inv(hessian).astype(np.float64)
        positive = bool(np.all(np.linalg.eigvalsh(hessian) > 0))
    except np.linalg.LinAlgError:
        covariance, positive = np.full_like(hessian, np.nan), False
    if not positive:
        warnings.append("the Hessian is not positive definite: standard errors are not reliable")
        converged = False
    beta = phi[:p]
    coefficients = wald_coefficients(names, beta, covariance[:p, :p]) if positive else tuple(
        Coefficient(nm, float(b), math.nan, math.nan, math.nan, math.nan, math.nan)
        for nm, b in zip(names, beta, strict=True))
    return GlmmFit(coefficients=coefficients, theta=math.exp(phi[p]), random_intercept_sd=math.exp(phi[p + 1]),
                   loglik=-value, n=n, n_groups=n_groups, converged=converged,
                   iterations=int(first.nit) + polish, warnings=tuple(warnings))
