"""Negative binomial (NB2) likelihood pieces as small pure numpy functions.

Every function works on arrays whose last axis is the observations and whose leading axes (if
any) index independent data sets, e.g. `(sims, participants)` in the power engine; sums run over
the last axis only. NB2 here is the distribution with mean mu and variance mu + mu^2/theta
(theta is R's `size`, glm.nb's `theta`).

References: Venables & Ripley, *Modern Applied Statistics with S* (4th ed.), section 7.4, and
the R source of `MASS::glm.nb` and `MASS::theta.ml`, which these functions follow term by term.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import digamma, gammaln, polygamma

FloatArray = NDArray[np.float64]
Array = NDArray[Any]
"""Inputs: counts may come as integers; results are float64."""

THETA_ML_EPS: float = float(np.finfo(float).eps ** 0.25)
"""theta.ml's default tolerance on the Newton step, `.Machine$double.eps^0.25`."""


def nb_loglik(y: Array, mu: FloatArray, theta: FloatArray | float) -> FloatArray:
    """Log-likelihood of NB2 counts, summed over the last axis.

    l = sum[ lgamma(theta + y) - lgamma(theta) - lgamma(y + 1) + theta log(theta)
             + y log(mu + [y = 0]) - (theta + y) log(theta + mu) ]

    (glm.nb's `loglik`; the `[y = 0]` guard makes y log(mu) zero at y = 0 even when mu = 0.)
    `theta` broadcasts against the leading axes: pass shape (..., 1) for one theta per data set.
    """
    th = np.asarray(theta, dtype=float)
    total: FloatArray = np.sum(
        gammaln(th + y) - gammaln(th) - gammaln(y + 1.0) + th * np.log(th)
        + y * np.log(mu + (y == 0)) - (th + y) * np.log(th + mu),
        axis=-1,
    )
    return total


def nb_deviance(y: Array, mu: FloatArray, theta: FloatArray | float) -> FloatArray:
    """NB2 deviance, summed over the last axis (R `negative.binomial(theta)$dev.resids`).

    D = 2 sum[ y log(max(1, y)/mu) - (y + theta) log((y + theta)/(mu + theta)) ]
    """
    th = np.asarray(theta, dtype=float)
    total: FloatArray = 2.0 * np.sum(y * np.log(np.maximum(1.0, y) / mu) - (y + th) * np.log((y + th) / (mu + th)),
                                     axis=-1)
    return total


def poisson_deviance(y: Array, mu: FloatArray) -> FloatArray:
    """Poisson deviance, summed over the last axis (R `poisson()$dev.resids`).

    D = 2 sum[ y log(y/mu) - (y - mu) ], with the y log(y/mu) term zero at y = 0.
    """
    positive = y > 0
    ratio = np.where(positive, y, 1.0) / mu
    total: FloatArray = 2.0 * np.sum(np.where(positive, y * np.log(ratio), 0.0) - (y - mu), axis=-1)
    return total


def theta_score(y: Array, mu: FloatArray, theta: FloatArray | float) -> FloatArray:
    """d l / d theta, summed over the last axis (theta.ml's `score`).

    U(theta) = sum[ digamma(theta + y) - digamma(theta) + log(theta) + 1 - log(theta + mu)
                    - (y + theta)/(mu + theta) ]
    """
    th = np.asarray(theta, dtype=float)
    total: FloatArray = np.sum(
        digamma(th + y) - digamma(th) + np.log(th) + 1.0 - np.log(th + mu) - (y + th) / (mu + th), axis=-1
    )
    return total


def theta_information(y: Array, mu: FloatArray, theta: FloatArray | float) -> FloatArray:
    """Observed information for theta, -d^2 l / d theta^2, summed over the last axis (theta.ml's `info`).

    I(theta) = sum[ -trigamma(theta + y) + trigamma(theta) - 1/theta + 2/(mu + theta)
                    - (y + theta)/(mu + theta)^2 ]
    """
    th = np.asarray(theta, dtype=float)
    total: FloatArray = np.sum(
        -polygamma(1, th + y) + polygamma(1, th) - 1.0 / th + 2.0 / (mu + th) - (y + th) / (mu + th) ** 2,
        axis=-1,
    )
    return total


def irls_weights(mu: FloatArray, theta: FloatArray | float | None) -> FloatArray:
    """IRLS weights of the log link, W = mu / (1 + mu/theta) (Poisson, W = mu, when theta is None).

    With the log link d mu / d eta = mu, so W = (d mu/d eta)^2 / V(mu) with V(mu) = mu + mu^2/theta.
    At the estimates (X' W X)^-1 is glm.nb's covariance of the coefficients (theta held fixed).
    """
    if theta is None:
        return mu
    weights: FloatArray = mu / (1.0 + mu / np.asarray(theta, dtype=float))
    return weights


def irls_step(x: FloatArray, y: Array, eta: FloatArray, offset: FloatArray,
              theta: FloatArray | float | None) -> FloatArray:
    """One IRLS (Fisher scoring) update of the coefficients for the log link.

    beta_new = (X' W X)^-1 X' W z, with z = (eta - offset) + (y - mu)/mu and W from `irls_weights`
    at mu = exp(eta) (R `glm.fit`, one pass of its loop). Shapes: x (..., n, p); y, eta, offset
    (..., n); returns (..., p).
    """
    mu = np.exp(eta)
    w = irls_weights(mu, theta)
    z = (eta - offset) + (y - mu) / mu
    xtw = np.swapaxes(x, -1, -2) * w[..., None, :]
    beta: FloatArray = np.linalg.solve(xtw @ x, (xtw @ z[..., None]))[..., 0].astype(np.float64)
    return beta


def coefficient_covariance(x: FloatArray, mu: FloatArray, theta: FloatArray | float | None) -> FloatArray:
    """(X' W X)^-1 with W = mu/(1 + mu/theta): the Fisher information of the coefficients inverted,
    theta held at its estimate, as `summary.negbin` (dispersion 1) reports it. Shapes: x (..., n, p),
    mu (..., n); returns (..., p, p)."""
    w = irls_weights(mu, theta)
    xtw = np.swapaxes(x, -1, -2) * w[..., None, :]
    covariance: FloatArray = np.linalg.inv(xtw @ x).astype(np.float64)
    return covariance


@dataclass(frozen=True)
class ThetaEstimate:
    """theta.ml's answer for each data set (arrays over the leading axes)."""

    theta: FloatArray
    se: FloatArray
    iterations: NDArray[np.int_]
    limit_reached: NDArray[np.bool_]
    truncated: NDArray[np.bool_]


def theta_ml(y: Array, mu: FloatArray, limit: int = 25, eps: float = THETA_ML_EPS) -> ThetaEstimate:
    """Maximum-likelihood theta for fixed mu by Newton's method, exactly as `MASS::theta.ml`.

    Start at theta0 = n / sum((y/mu - 1)^2); then theta <- |theta| + U(|theta|)/I(|theta|) while the
    step exceeds `eps` and fewer than `limit - 1` steps were taken; a negative answer is truncated at
    zero. Each data set (leading axes) stops on its own, so a batch gives what each would alone.
    SE = 1/sqrt(I) at the last step's starting point, as theta.ml's attribute "SE".
    """
    y = np.asarray(y, dtype=float)
    mu = np.asarray(mu, dtype=float)
    if y.ndim == 1:
        one = theta_ml(y[None], mu[None], limit, eps)
        return ThetaEstimate(*(np.asarray(getattr(one, f)[0]) for f in ("theta", "se", "iterations",
                                                                          "limit_reached", "truncated")))
    shape = y.shape[:-1]
    n = y.shape[-1]
    theta = n / np.sum((y / mu - 1.0) ** 2, axis=-1)
    info = np.full(shape, np.nan)
    iterations = np.zeros(shape, dtype=int)
    active = np.ones(shape, dtype=bool)
    it = 0
    while True:
        it += 1
        if it >= limit or not active.any():
            break
        idx = np.nonzero(active)
        t0 = np.abs(theta[idx])
        yi, mui = y[idx], mu[idx]
        i = theta_information(yi, mui, t0[..., None])
        step = theta_score(yi, mui, t0[..., None]) / i
        theta[idx] = t0 + step
        info[idx] = i
        iterations[idx] = it
        active[idx] = np.abs(step) > eps
    truncated = theta < 0
    theta = np.where(truncated, 0.0, theta)
    return ThetaEstimate(theta=theta, se=np.sqrt(1.0 / info), iterations=iterations,
                         limit_reached=iterations == limit - 1, truncated=truncated)
