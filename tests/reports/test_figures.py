from __future__ import annotations

import numpy as np

from mesems.reports.figures import ae_bars_figure, forest_figure, gel_per_visit_figure, km_figure
from mesems.stats.efficacy import VisitMean
from mesems.stats.results import RateRatioSummary
from mesems.stats.safety import AeBar
from mesems.stats.survival import kaplan_meier

PNG = b"\x89PNG"


def test_each_figure_is_a_png() -> None:
    assert gel_per_visit_figure((VisitMean("All participants", 0, 10, 1.0, 0.5, 1.5),
                                 VisitMean("All participants", 4, 9, 0.8, 0.4, 1.2))).startswith(PNG)
    assert forest_figure((RateRatioSummary("primary", 100, 0.8, 0.6, 1.1, 0.2, 1.0),
                          RateRatioSummary("failed", 100, reason="did not converge"))).startswith(PNG)
    curve = kaplan_meier(np.array([84.0, 168.0, 336.0]), np.array([True, False, False]), "All participants")
    assert km_figure((curve,)).startswith(PNG)
    assert ae_bars_figure((AeBar("Nervous system disorders", "Period 1", 20.0),)).startswith(PNG)


def test_figures_are_byte_reproducible() -> None:
    means = (VisitMean("g", 0, 10, 1.0, 0.5, 1.5),)
    assert gel_per_visit_figure(means) == gel_per_visit_figure(means)


def test_gel_figure_before_any_mri_read_says_so_without_a_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gel_per_visit_figure(()).startswith(b"\x89PNG")
