from __future__ import annotations

from pathlib import Path

import pytest

from mesems.protocol import load_protocol
from mesems.stats.context import SapContext
from mesems.stats.relapse import participant_periods, relapse_rates
from mesems.stats.snapshot import read_snapshot


def test_time_at_risk_is_cut_at_the_period_end_and_the_end_of_follow_up(mini_trial: Path) -> None:
    ctx = SapContext(read_snapshot(mini_trial), load_protocol(), blinded=False)
    periods = {(r["participant_id"], r["period"]): r for r in participant_periods(ctx).iter_rows(named=True)}
    assert periods[("A", 1)]["years"] == pytest.approx(168 / 365.25)
    assert periods[("A", 2)]["years"] == pytest.approx((336 - 168) / 365.25)
    assert periods[("B", 1)]["years"] == pytest.approx(84 / 365.25)
    assert ("B", 2) not in periods
    assert periods[("D", 2)]["years"] == pytest.approx((210 - 168) / 365.25)
    assert periods[("A", 1)]["relapses"] == 1 and periods[("C", 1)]["relapses"] == 1
    assert periods[("D", 1)]["relapses"] == 0


def test_arr_table_counts_relapses_and_years_by_treatment_and_period(mini_trial: Path) -> None:
    report, _ = relapse_rates(SapContext(read_snapshot(mini_trial), load_protocol(), blinded=False))
    rows = {(r[0], r[1]): r for r in report.rows}
    assert rows[("1", "MSC")][2:5] == ("2", "1", f"{(168 + 84) / 365.25:.1f}")
    assert rows[("2", "MSC")][3] == "0"
    assert rows[("all", "PLACEBO")][3] == "2"


def test_blinded_arr_is_pooled_and_fits_no_model(mini_trial: Path) -> None:
    snapshot = read_snapshot(mini_trial).blinded_view()
    report, model = relapse_rates(SapContext(snapshot, load_protocol(), blinded=True))
    assert model is None
    assert {r[1] for r in report.rows} == {"All participants"}
    assert [r[3] for r in report.rows if r[0] == "all"] == ["3"]
