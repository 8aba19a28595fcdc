"""`run_prescreen` end to end on a small extract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from mesems.eligibility.report import criterion_texts, run_prescreen
from mesems.eligibility.synthetic import random_extract
from tests.eligibility.conftest import PROTOCOL


def test_verdicts_funnel_and_figure_are_written(tmp_path: Path) -> None:
    extract = tmp_path / "registry.parquet"
    random_extract(np.random.default_rng(5), 2000).write_parquet(extract)
    steps: list[str] = []
    report = run_prescreen(extract, tmp_path / "out", PROTOCOL, start=lambda step, total: steps.append(step))
    assert steps == ["reading", "checking", "screening", "writing"]
    verdicts = pl.read_parquet(report.verdicts_path)
    assert verdicts.height == report.rows == 2000
    assert set(verdicts["INC-2"].unique().to_list()) <= {"met", "not_met", "unknown"}
    funnel = pl.read_csv(report.funnel_path)
    assert funnel["removed"].sum() == (verdicts["eligible"] == False).sum()
    assert report.funnel.eligible == (verdicts["eligible"] == True).sum()
    assert report.figure_path.stat().st_size > 1000


def test_a_named_version_and_a_date_for_every_row(tmp_path: Path) -> None:
    extract = tmp_path / "registry.csv"
    random_extract(np.random.default_rng(6), 50).drop("planned_randomisation_date").write_csv(extract)
    report = run_prescreen(extract, tmp_path / "out", PROTOCOL, version="v1", on=dt.date(2040, 1, 1))
    verdicts = pl.read_csv(report.verdicts_path)
    assert verdicts["protocol_version"].unique().to_list() == ["v1"]


def test_the_funnel_uses_the_wording_of_the_latest_version_used() -> None:
    assert criterion_texts(PROTOCOL, ["v1"])["INC-3"] == "Disease duration 2 to 10 years"
    assert criterion_texts(PROTOCOL, ["v1", "final"])["INC-3"] == "Disease duration 2 to 15 years"
    assert list(criterion_texts(PROTOCOL, []))[:2] == ["INC-1", "INC-2"]
