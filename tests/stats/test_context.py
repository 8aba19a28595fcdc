from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from mesems.protocol import load_protocol
from mesems.stats.context import POOLED, SapContext
from mesems.stats.snapshot import read_snapshot


def test_groups_and_treatments_follow_blinding(mini_trial: Path) -> None:
    snapshot = read_snapshot(mini_trial)
    unblinded = SapContext(snapshot, load_protocol(), blinded=False)
    blinded = SapContext(snapshot.blinded_view(), load_protocol(), blinded=True)
    assert unblinded.groups == ("MSC-placebo", "placebo-MSC")
    assert unblinded.treatments == ("MSC", "PLACEBO")
    assert blinded.groups == blinded.treatments == (POOLED,)


def test_treatment_is_the_intervention_of_the_sequence_in_that_period(mini_trial: Path) -> None:
    ctx = SapContext(read_snapshot(mini_trial), load_protocol(), blinded=False)
    frame = pl.DataFrame({"participant_id": ["A", "A", "C", "C"], "period": [1, 2, 1, 2]})
    assert ctx.with_treatment(frame)["treatment"].to_list() == ["MSC", "PLACEBO", "PLACEBO", "MSC"]


def test_follow_up_ends_at_the_disposition_date_or_the_last_visit_week(mini_trial: Path) -> None:
    ends = SapContext(read_snapshot(mini_trial), load_protocol(), blinded=False).follow_up_end().sort("participant_id")
    assert ends["end_date"].to_list() == [dt.date(2020, 12, 2), dt.date(2020, 3, 25), dt.date(2020, 12, 2),
                                          dt.date(2020, 1, 1) + dt.timedelta(days=7 * 30)]
