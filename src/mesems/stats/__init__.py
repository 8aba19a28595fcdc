"""Negative binomial GLM and GLMM, the statistical analysis plan as code, the power engine."""
