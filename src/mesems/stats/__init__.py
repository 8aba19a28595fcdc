"""Negative binomial GLM and GLMM, the statistical analysis plan as code, the power engine."""

from mesems.stats.gel import GelAnalysis, analyse_gel
from mesems.stats.glmm import GlmmFit, fit_nb_glmm
from mesems.stats.likelihood import (
    coefficient_covariance,
    irls_step,
    irls_weights,
    nb_deviance,
    nb_loglik,
    theta_information,
    theta_ml,
    theta_score,
)
from mesems.stats.negbin import NegBinBatch, NegBinFit, fit_negbin, fit_poisson, glm_fit, glm_nb_batch
from mesems.stats.results import Coefficient, RateRatioSummary
from mesems.stats.sap import SapResult, run_sap
from mesems.stats.snapshot import Snapshot, read_snapshot

__all__ = [
    "Coefficient",
    "GelAnalysis",
    "GlmmFit",
    "NegBinBatch",
    "NegBinFit",
    "RateRatioSummary",
    "SapResult",
    "Snapshot",
    "analyse_gel",
    "coefficient_covariance",
    "fit_nb_glmm",
    "fit_negbin",
    "fit_poisson",
    "glm_fit",
    "glm_nb_batch",
    "irls_step",
    "irls_weights",
    "nb_deviance",
    "nb_loglik",
    "read_snapshot",
    "run_sap",
    "theta_information",
    "theta_ml",
    "theta_score",
]
