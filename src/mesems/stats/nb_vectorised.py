"""Negative binomial (NB2, log link) regressions fitted for many trials at once.

Every array has a leading axis of trials: counts `y` (trials, participants), design `X`
(trials, participants, p) or (participants, p) shared by all, `offset` and `weights`
(trials, participants); a weight of 0 leaves a participant out (no scan done). The model is
MASS::glm.nb's (Venables & Ripley 2002, section 7.4):

    y ~ NB(mu, theta),  log(mu) = X beta + offset,  Var(y) = mu + mu^2 / theta,

fitted by maximum likelihood jointly in (beta, log theta). The estimates are the fixed point
that glm.nb's alternation between IRLS and `theta.ml` converges to; the standard errors are
glm.nb's, from the Fisher information of beta with theta held at its estimate,
(X' W X)^-1 with W = mu / (1 + mu / theta).

Speed comes from two facts. Every trial takes the same Newton iterations on stacked arrays,
in blocks of trials small enough to stay in cache. And the counts are integers, so the
special functions of theta collapse to sums over count values (Abramowitz & Stegun 6.3.5):
lgamma(y + t) - lgamma(t) = sum_{j<y} log(t + j) and psi(y + t) - psi(t) = sum_{j<y} 1/(t + j);
with A_j = sum_i w_i [y_i > j] each is one short sum per trial, sum_j A_j f(t + j), instead of
a digamma or trigamma per participant.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[Any]  # float64 in practice; numpy's stubs do not follow dtypes through ufuncs
BoolArray = NDArray[np.bool_]

THETA_MIN = 1e-6
"""Lower bound of theta; a likelihood still rising below it is reported as `theta_at_bound`."""
THETA_MAX = 1e5
"""Upper bound of theta: above it the counts are Poisson to every digit that matters, and
glm.nb itself stops with 'iteration limit reached' there. A fit at this bound says so."""
BLOCK = 1024
"""Trials per block: covariate patterns make a block's arrays small (trials x patterns), so a
block is large enough for numpy's per-call cost to vanish and small enough for the cache."""
HEAD = 256
"""Trials fitted first, from crude starts; their median fit starts all the others."""


@dataclass(frozen=True)
class BatchNBFit:
    """The fits of many trials; row t of every array belongs to trial t."""

    coef: FloatArray
    se: FloatArray
    theta: FloatArray
    loglik: FloatArray
    iterations: NDArray[np.int64]
    converged: BoolArray
    theta_at_bound: BoolArray

    def wald(self, column: int) -> WaldTests:
        """The Wald test that coefficient `column` is 0, per trial: z = b / se, p = 2 Phi(-|z|)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            z = self.coef[:, column] / self.se[:, column]
        p = 2.0 * special.ndtr(-np.abs(z))
        return WaldTests(z=z, p_value=np.where(np.isfinite(p), p, 1.0))

    @staticmethod
    def concatenate(parts: list[BatchNBFit]) -> BatchNBFit:
        return BatchNBFit(**{name: np.concatenate([getattr(part, name) for part in parts])
                             for name in BatchNBFit.__dataclass_fields__})


@dataclass(frozen=True)
class WaldTests:
    z: FloatArray
    p_value: FloatArray


@dataclass(frozen=True)
class _Block:
    """One block of trials laid out for the iterations, participants pooled by covariate pattern.

    Participants of a trial with the same design row and offset share mu, and every term of the
    log-likelihood and its derivatives other than the digamma sums is linear in (w, w y); so a
    pattern g enters only through its weight A_g = sum w and count sum Y_g = sum w y. X is
    (p, trials, patterns); Z holds per pattern 1, x_k and x_k x_m (k <= m), so that one batched
    matrix product gives every sum of an iteration. Padding patterns have A = Y = 0.
    """

    A: FloatArray
    Y: FloatArray
    X: FloatArray
    offset: FloatArray
    Z: FloatArray
    exceed: FloatArray  # A_j = sum_i w_i [y_i > j], (trials, max y)
    j: FloatArray  # 0 .. max y - 1
    w_sum: FloatArray
    lgamma_y1: FloatArray  # sum_i w_i lgamma(y_i + 1), the constant of the log-likelihood
    wyx: FloatArray  # sum_i w_i y_i x_ik, so that sum_i w_i y_i eta_i = beta . wyx + wyo
    wyo: FloatArray  # sum_i w_i y_i offset_i
    moments: FloatArray  # (trials, 3): exposure sum w exp(offset), mean and variance of y, for the start

    def take(self, rows: NDArray[np.intp]) -> _Block:
        return _Block(self.A[rows], self.Y[rows], self.X[:, rows], self.offset[rows], self.Z[rows],
                      self.exceed[rows], self.j, self.w_sum[rows], self.lgamma_y1[rows], self.wyx[rows],
                      self.wyo[rows], self.moments[rows])


@dataclass(frozen=True)
class _Evaluation:
    loglik: FloatArray
    grad: FloatArray  # (trials, p + 1): beta, then log theta
    hess: FloatArray  # (trials, p + 1, p + 1)


def _pairs(p: int) -> list[tuple[int, int]]:
    return [(k, m) for k in range(p) for m in range(k, p)]


def _patterns(cols: FloatArray) -> tuple[NDArray[np.intp], FloatArray]:
    """Each participant's pattern number within its trial, and the patterns (trials, patterns,
    columns): equal rows of `cols` (the design row and the offset), and only those, share one. Rows are matched on a 64-bit hash of their bits
    and then compared exactly; should two different rows share a hash, every participant of the
    block becomes a pattern of its own, so the answer is exact either way."""
    rows, n, width = cols.shape
    bits = np.ascontiguousarray(cols).view(np.uint64)
    digest = np.zeros((rows, n), dtype=np.uint64)
    for k in range(width):
        digest = (digest ^ bits[:, :, k]) * np.uint64(0x100000001B3)
        digest ^= digest >> np.uint64(29)
    order = np.argsort(digest, axis=1)
    ordered = np.take_along_axis(digest, order, axis=1)
    new = np.ones((rows, n), dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.empty((rows, n), dtype=np.intp)
    np.put_along_axis(group, order, np.cumsum(new, axis=1) - 1, axis=1)
    trial = np.arange(rows)[:, None]
    first = np.zeros((rows, int(group.max()) + 1, width))
    first[trial, group] = cols
    if not np.array_equal(first[trial, group], cols):
        return np.tile(np.arange(n), (rows, 1)), cols
    return group, first


def _block(y: FloatArray, X: FloatArray, offset: FloatArray, w: FloatArray) -> _Block:
    top = int(y.max()) if y.size else 0
    rows, _, p = X.shape
    trial = np.arange(rows)[:, None]
    counts = np.bincount((trial * (top + 1) + y.astype(np.int64)).ravel(),
                         weights=w.ravel(), minlength=rows * (top + 1)).reshape(rows, top + 1)
    exceed = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1][:, 1:]
    cols = np.concatenate([X, offset[:, :, None]], axis=2)
    group, pattern = _patterns(cols)
    width = pattern.shape[1]
    slot = (trial * width + group).ravel()
    A = np.bincount(slot, weights=w.ravel(), minlength=rows * width).reshape(rows, width)
    Y = np.bincount(slot, weights=(w * y).ravel(), minlength=rows * width).reshape(rows, width)
    Xg, off = pattern[:, :, :p], np.ascontiguousarray(pattern[:, :, p])
    Z = np.empty((rows, width, 1 + p + len(_pairs(p))))
    Z[:, :, 0] = 1.0
    Z[:, :, 1:1 + p] = Xg
    for col, (k, m) in enumerate(_pairs(p), start=1 + p):
        Z[:, :, col] = Xg[:, :, k] * Xg[:, :, m]
    # Everything else comes from the patterns and the histogram of counts, not from participants.
    values = np.arange(top + 1, dtype=np.float64)
    w_sum = counts.sum(axis=1)
    mean = counts @ values / np.maximum(w_sum, 1.0)
    var = np.sum(counts * (values - mean[:, None]) ** 2, axis=1) / np.maximum(w_sum - 1.0, 1.0)
    moments = np.column_stack([np.sum(A * np.exp(off), axis=1), mean, var])
    return _Block(A, Y, np.ascontiguousarray(np.moveaxis(Xg, 2, 0)), off, Z, np.ascontiguousarray(exceed),
                  values[:-1], w_sum, counts @ special.gammaln(values + 1.0),
                  np.einsum("sg,sgk->sk", Y, Xg), np.sum(Y * off, axis=1), moments)


def _linear_predictor(b: _Block, beta: FloatArray) -> FloatArray:
    eta = b.offset + beta[:, 0, None] * b.X[0]
    for k in range(1, b.X.shape[0]):
        eta += beta[:, k, None] * b.X[k]
    return np.clip(eta, -700.0, 700.0, out=eta)


def _evaluate(b: _Block, beta: FloatArray, phi: FloatArray, frozen: BoolArray) -> _Evaluation:
    """Log-likelihood, gradient and Hessian in (beta, phi = log theta), fused in one pass.

    Per participant: dl/deta = theta (y - mu) / (theta + mu); d2l/deta2 = -theta mu (theta + y) / (theta + mu)^2;
    d2l/(deta dtheta) = mu (y - mu) / (theta + mu)^2;
    dl/dtheta = sum_j A_j/(theta + j) + sum w [log theta + 1 - log(theta + mu) - (y + theta)/(theta + mu)];
    d2l/dtheta2 = -sum_j A_j/(theta + j)^2 + sum w [1/theta - 2/(theta + mu) + (y + theta)/(theta + mu)^2];
    summed here per covariate pattern with y -> Y and 1 -> A. A trial whose theta is held at a
    bound (`frozen`) has no log-theta row.
    """
    p = b.X.shape[0]
    theta = np.exp(phi)
    th = theta[:, None]
    mu = np.exp(_linear_predictor(b, beta))
    tm = th + mu
    ltm = np.log(tm)
    r = np.reciprocal(tm, out=tm)
    ya = b.Y + b.A * th  # sum over the pattern of (y + theta)
    yar = ya * r
    resid = b.Y - b.A * mu  # sum over the pattern of (y - mu)
    per = np.empty((beta.shape[0], 6, b.A.shape[1]))
    np.multiply(ya, ltm, out=per[:, 0])  # log-likelihood terms, less y eta (summed in closed form)
    np.multiply(b.A, ltm, out=per[:, 1])
    per[:, 1] += yar  # d/dtheta terms
    np.multiply(b.A, 2.0, out=per[:, 2])
    per[:, 2] -= yar
    per[:, 2] *= r  # d2/dtheta2 terms
    tr = th * r
    np.multiply(resid, tr, out=per[:, 3])  # dl/deta
    mr = mu * r
    np.multiply(per[:, 3], mr, out=per[:, 4])  # d2l/(deta dphi)
    np.multiply(tr, mr, out=per[:, 5])
    per[:, 5] *= ya  # -d2l/deta2
    sums = np.matmul(per, b.Z)
    tj = th + b.j
    loglik = (np.sum(beta * b.wyx, axis=1) + b.wyo - sums[:, 0, 0] + theta * phi * b.w_sum
              + np.sum(b.exceed * np.log(tj), axis=1) - b.lgamma_y1)
    d_theta = np.sum(b.exceed / tj, axis=1) + b.w_sum * (phi + 1.0) - sums[:, 1, 0]
    d2_theta = -np.sum(b.exceed / tj**2, axis=1) + b.w_sum / theta - sums[:, 2, 0]
    grad = np.empty((beta.shape[0], p + 1))
    hess = np.empty((beta.shape[0], p + 1, p + 1))
    grad[:, :p] = sums[:, 3, 1:1 + p]
    hess[:, :p, p] = hess[:, p, :p] = sums[:, 4, 1:1 + p]
    for col, (k, m) in enumerate(_pairs(p), start=1 + p):
        hess[:, k, m] = hess[:, m, k] = -sums[:, 5, col]
    grad[:, p] = theta * d_theta
    hess[:, p, p] = theta**2 * d2_theta + theta * d_theta
    grad[frozen, p] = 0.0
    hess[frozen, p, :] = 0.0
    hess[frozen, :, p] = 0.0
    hess[frozen, p, p] = -1.0
    return _Evaluation(loglik, grad, hess)


def _newton_step(ev: _Evaluation, frozen: BoolArray) -> FloatArray:
    """Newton's step where it points uphill; elsewhere (far from the optimum, where the Hessian
    need not be negative definite) an ascent step with the Hessian's diagonal, made negative."""
    p1 = ev.grad.shape[1]
    try:
        step = np.linalg.solve(-ev.hess, ev.grad[..., None])[..., 0]
    except np.linalg.LinAlgError:
        step = np.zeros_like(ev.grad)
    bad = ~(np.sum(step * ev.grad, axis=1) > 0) | ~np.all(np.isfinite(step), axis=1)
    if bad.any():
        diag = np.abs(np.diagonal(ev.hess[bad], axis1=1, axis2=2))
        step[bad] = ev.grad[bad] / np.maximum(diag, 1e-8)
    step[frozen, p1 - 1] = 0.0
    # Long steps are shortened as a whole, never per coordinate, so an uphill step stays uphill:
    # at most 3 in log theta and 5 in any coefficient.
    longest = np.maximum(np.abs(step[:, p1 - 1]) / 3.0, np.max(np.abs(step[:, :p1 - 1]), axis=1) / 5.0)
    return step / np.maximum(longest, 1.0)[:, None]


def _start(b: _Block) -> tuple[FloatArray, FloatArray]:
    """Intercept at log(total count / total exposure), other coefficients 0; theta by moments,
    theta = mean^2 / (variance - mean) of the counts, as a start only."""
    exposure, mean, var = b.moments.T
    beta = np.zeros((b.A.shape[0], b.X.shape[0]))
    beta[:, 0] = np.log(np.maximum(mean * b.w_sum, 0.5) / np.maximum(exposure, 1e-300))
    theta = np.where(var > mean, mean**2 / np.maximum(var - mean, 1e-300), THETA_MAX)
    return beta, np.log(np.clip(theta, 1e-2, THETA_MAX))


def _fit_block(b: _Block, tol: float, max_iter: int, start: FloatArray | None) -> BatchNBFit:
    p = b.X.shape[0]
    lo, hi = np.log(THETA_MIN), np.log(THETA_MAX)
    if start is None:
        beta, phi = _start(b)
    else:
        beta, phi = np.tile(start[:p], (b.A.shape[0], 1)), np.full(b.A.shape[0], start[p])
    rows = beta.shape[0]
    frozen = np.zeros(rows, dtype=bool)
    converged = np.zeros(rows, dtype=bool)
    iterations = np.zeros(rows, dtype=np.int64)
    loglik = np.empty(rows)
    # Iterate on the trials still moving; once half of them have stopped, the rest go on in a
    # smaller block of their own, so a few slow trials do not keep the whole block iterating.
    active = np.arange(rows)
    ba = b
    ev = _evaluate(ba, beta[active], phi[active], frozen[active])
    for _ in range(max_iter):
        if active.size == 0:
            break
        iterations[active[~converged[active]]] += 1
        fa = frozen[active]
        step = _newton_step(ev, fa)
        old_beta, old_phi = beta[active], phi[active]
        new_beta = old_beta + step[:, :-1]
        new_phi = np.clip(old_phi + step[:, -1], lo, hi)
        new_ev = _evaluate(ba, new_beta, new_phi, fa)
        worse = ~(new_ev.loglik >= ev.loglik - 1e-12 * (1.0 + np.abs(ev.loglik)))
        scale = 1.0
        for _halving in range(40):
            if not worse.any():
                break
            scale *= 0.5
            rows_w = np.flatnonzero(worse)
            cand_beta = old_beta[rows_w] + scale * step[rows_w, :-1]
            cand_phi = np.clip(old_phi[rows_w] + scale * step[rows_w, -1], lo, hi)
            cand = _evaluate(ba.take(rows_w), cand_beta, cand_phi, fa[rows_w])
            new_beta[rows_w], new_phi[rows_w] = cand_beta, cand_phi
            new_ev.loglik[rows_w], new_ev.grad[rows_w], new_ev.hess[rows_w] = cand.loglik, cand.grad, cand.hess
            worse[rows_w] = ~(cand.loglik >= ev.loglik[rows_w] - 1e-12 * (1.0 + np.abs(ev.loglik[rows_w])))
        stuck = worse  # no step length raised the likelihood: as far as floating point goes
        new_beta[stuck], new_phi[stuck] = old_beta[stuck], old_phi[stuck]
        new_ev.loglik[stuck], new_ev.grad[stuck], new_ev.hess[stuck] = ev.loglik[stuck], ev.grad[stuck], ev.hess[stuck]
        beta[active], phi[active], loglik[active] = new_beta, new_phi, new_ev.loglik
        done = (np.max(np.abs(step), axis=1) < tol) | stuck
        converged[active] |= done
        # theta pushed onto a bound by a step that wants to go further is held there from now on
        frozen[active] |= ((new_phi >= hi) & (step[:, -1] > 0)) | ((new_phi <= lo) & (step[:, -1] < 0))
        ev = new_ev
        if done.all():
            break
        if done.sum() * 2 >= done.size:
            keep = np.flatnonzero(~done)
            active, ba = active[keep], ba.take(keep)
            ev = _Evaluation(ev.loglik[keep], ev.grad[keep], ev.hess[keep])
    theta = np.exp(phi)
    mu = np.exp(_linear_predictor(b, beta))
    info = np.matmul((b.A * mu * theta[:, None] / (theta[:, None] + mu))[:, None, :], b.Z)[:, 0, 1 + p:]
    fisher = np.empty((beta.shape[0], p, p))
    for col, (k, m) in enumerate(_pairs(p)):
        fisher[:, k, m] = fisher[:, m, k] = info[:, col]
    try:
        cov = np.linalg.inv(fisher)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(fisher)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    return BatchNBFit(coef=beta, se=np.where(np.isfinite(se), se, np.inf), theta=theta, loglik=loglik,
                      iterations=iterations, converged=converged, theta_at_bound=frozen | (phi <= lo) | (phi >= hi))


def fit_nb_batch(
    y: NDArray[np.integer] | FloatArray,
    X: FloatArray,
    offset: FloatArray | None = None,
    weights: FloatArray | None = None,
    *,
    tol: float = 1e-5,
    max_iter: int = 100,
    workers: int | None = None,
) -> BatchNBFit:
    """Fit glm.nb's NB2 log-link regression to every trial at once.

    Newton in (beta, log theta) with step halving on the log-likelihood until every coordinate
    of every trial moves by less than `tol` (Newton converges quadratically, so the estimates are
    then good to about tol^2). theta is kept in
    [THETA_MIN, THETA_MAX]; where the likelihood still rises at a bound, theta stays there and
    beta is fitted given it (`theta_at_bound`). Counts must be non-negative integers.
    """
    yf = np.asarray(y, dtype=np.float64)
    n_trials, n = yf.shape
    p = np.shape(X)[-1]
    Xf = np.broadcast_to(np.asarray(X, dtype=np.float64), (n_trials, n, p))
    off = np.zeros_like(yf) if offset is None else np.broadcast_to(np.asarray(offset, dtype=np.float64), yf.shape)
    w = np.ones_like(yf) if weights is None else np.broadcast_to(np.asarray(weights, dtype=np.float64), yf.shape)
    yf = np.where(w > 0, yf, 0.0)

    def fit(first: int, last: int, start: FloatArray | None) -> BatchNBFit:
        sl = slice(first, last)
        block = _block(yf[sl], Xf[sl], np.ascontiguousarray(off[sl]), np.ascontiguousarray(w[sl]))
        return _fit_block(block, tol, max_iter, start)

    # The first HEAD trials start from each trial's crude start; the others from the median fit
    # of those, which for simulated trials of one design is close to every trial's optimum.
    head = fit(0, min(HEAD, n_trials), None)
    usable = head.converged & ~head.theta_at_bound
    start = (np.median(np.column_stack([head.coef, np.log(head.theta)])[usable], axis=0)
             if usable.sum() >= 10 else None)
    rest = [(first, min(first + BLOCK, n_trials)) for first in range(HEAD, n_trials, BLOCK)]
    threads = min(workers if workers is not None else (os.cpu_count() or 1), len(rest))
    if threads <= 1:
        return BatchNBFit.concatenate([head, *(fit(first, last, start) for first, last in rest)])
    # numpy releases the GIL inside its loops, so blocks fitted in threads use every core.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return BatchNBFit.concatenate([head, *pool.map(lambda bounds: fit(bounds[0], bounds[1], start), rest)])
