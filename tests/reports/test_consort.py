from __future__ import annotations

from mesems.reports.consort import consort_figure
from mesems.stats.conduct import ConsortCounts


def test_consort_diagram_draws_with_and_without_a_screening_log() -> None:
    counts = ConsortCounts(200, 40, 10, 6, (("INC-3", 12),), 144, ("MSC-placebo", "placebo-MSC"), (69, 75), (69, 75),
                           (66, 73), ((("adverse event", 2),), ()), (65, 72), (69, 75))
    assert consort_figure(counts).startswith(b"\x89PNG")
    pooled = ConsortCounts(None, None, None, None, (), 144, ("All participants",), (144,), (None,), (None,), ((),),
                           (None,), (144,))
    assert consort_figure(pooled).startswith(b"\x89PNG")
