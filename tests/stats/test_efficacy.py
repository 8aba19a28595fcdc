from __future__ import annotations

from pathlib import Path

import pytest

from mesems.errors import AnalysisError
from mesems.protocol import load_protocol
from mesems.stats.context import SapContext
from mesems.stats.efficacy import gel_models, gel_per_visit, gel_scans, models_table
from mesems.stats.snapshot import read_snapshot


def test_gel_per_visit_by_hand(mini_trial: Path) -> None:
    ctx = SapContext(read_snapshot(mini_trial), load_protocol(), False)
    report, means = gel_per_visit(ctx, gel_scans(ctx))
    assert report.rows[0] == ("MSC-placebo", "0", "2", "1.00", "1.41", "1.0")
    assert [(m.group, m.week, m.n) for m in means][-1] == ("placebo-MSC", 4, 1)


def test_models_that_cannot_be_fitted_keep_their_row_with_the_reason(mini_trial: Path) -> None:
    ctx = SapContext(read_snapshot(mini_trial), load_protocol(), False)
    summaries = gel_models(ctx, gel_scans(ctx))
    assert len(summaries) == 4
    assert not any(s.estimable for s in summaries)
    report = models_table("gel_models", "GEL", summaries, ())
    assert all(row[2].startswith("not estimable: ") for row in report.rows)


@pytest.mark.parametrize("line, message", [
    ("Z,MSC-placebo,4,1", "line 7: participant Z is not in participants.csv"),
    ("D,MSC-placebo,4,1", "line 7: sequence MSC-placebo of participant D differs from participants.csv"),
])
def test_scans_that_do_not_match_the_participants_are_refused(mini_trial: Path, line: str, message: str) -> None:
    with (mini_trial / "gel.csv").open("a") as handle:
        handle.write(line + "\n")
    ctx = SapContext(read_snapshot(mini_trial), load_protocol(), False)
    with pytest.raises(AnalysisError, match=message):
        gel_scans(ctx)
