from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from mesems.exports.tables import TABLES
from mesems.randomisation.codes import is_product_code
from mesems.sim.population import EDSS_STEPS
from mesems.sim.scenario import build_scenario
from mesems.sim.trial import simulate_trial, write_tables


@pytest.fixture(scope="module")
def trial():
    return simulate_trial(rng=np.random.default_rng(12))


def test_every_table_is_written_with_exactly_its_columns(trial, tmp_path: Path) -> None:
    paths = write_tables(trial, tmp_path)
    assert set(paths) == set(TABLES)
    for name, spec in TABLES.items():
        with paths[name].open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == spec.column_names
        required = [i for i, c in enumerate(spec.columns) if c.required]
        assert all(row[i] != "" for row in rows[1:] for i in required), name
        keys = [tuple(row[spec.column_names.index(k)] for k in spec.key) for row in rows[1:]]
        assert len(keys) == len(set(keys)), f"{name}: duplicate key"


@pytest.mark.parametrize("seed", range(6))
def test_keys_are_unique_in_every_table_whatever_the_seed(seed: int) -> None:
    trial = simulate_trial(build_scenario({"participants": 60}), np.random.default_rng(100 + seed))
    for name, spec in TABLES.items():
        keys = [tuple(row[k] for k in spec.key) for row in trial.rows(name)]
        assert len(keys) == len(set(keys)), name


def test_gel_is_the_analyse_gel_input(trial) -> None:
    rows = trial.rows("gel")
    assert {r["week"] for r in rows} == {0, 4, 12, 24, 28, 36, 48}
    assert {r["sequence"] for r in rows} == {"MSC-placebo", "placebo-MSC"}
    assert all(isinstance(r["gel"], int) and r["gel"] >= 0 for r in rows)
    sequence = {p["participant_id"]: p["sequence"] for p in trial.rows("participants")}
    assert all(sequence[r["participant_id"]] == r["sequence"] for r in rows)


def test_the_trial_resembles_the_published_one(trial) -> None:
    people = trial.rows("participants")
    assert len(people) == 144
    assert Counter(p["ms_course"] for p in people) == {"RR": 94, "SP": 33, "PP": 17}
    assert sum(p["sex"] == "F" for p in people) == 87
    assert 55 <= sum(p["sequence"] == "MSC-placebo" for p in people) <= 89
    assert all(p["baseline_edss"] in EDSS_STEPS for p in people)
    assert all(r["edss"] in EDSS_STEPS for r in trial.rows("edss"))


def test_infusions_follow_the_sequence_and_aes_their_period(trial) -> None:
    sequence = {p["participant_id"]: p["sequence"] for p in trial.rows("participants")}
    codes = [row["product_code"] for row in trial.rows("infusions")]
    assert len(set(codes)) == len(codes) and all(is_product_code(code) for code in codes)
    for row in trial.rows("infusions"):
        expected = sequence[row["participant_id"]].split("-")[row["period"] - 1].upper()
        assert row["product"] == expected
        assert (row["cells_per_kg"] > 0) == (row["product"] == "MSC")
    second = {r["participant_id"]: r["infusion_date"] for r in trial.rows("infusions") if r["period"] == 2}
    for ae in trial.rows("adverse_events"):
        if ae["participant_id"] in second:
            assert ae["period"] == (2 if ae["start_date"] >= second[ae["participant_id"]] else 1)
    assert any(ae["serious"] for ae in trial.rows("adverse_events"))
    assert any(ae["infusion_reaction"] for ae in trial.rows("adverse_events"))


def test_other_forms_are_filled_and_the_dosing_weight_is_the_participants(trial) -> None:
    weight = {p["participant_id"]: p["weight_kg"] for p in trial.rows("participants")}
    infused = {(r["participant_id"], r["infusion_date"]) for r in trial.rows("infusions")}
    vitals = trial.rows("vital_signs")
    assert vitals and all(v["weight_kg"] == weight[v["participant_id"]] for v in vitals
                          if (v["participant_id"], v["assessment_date"]) in infused)
    assert {r["week"] for r in trial.rows("labs")} == {0, 24, 48}
    assert all(r["egfr"] >= 60 for r in trial.rows("labs"))
    medications = trial.rows("concomitant_medications")
    assert any(m["drug_class"] == "corticosteroid" for m in medications)
    randomised = {p["participant_id"]: p["randomisation_date"] for p in trial.rows("participants")}
    for m in medications:  # exclusions 5 and 6: the failed therapy stopped before its washout
        if m["indication"] == "multiple sclerosis":
            assert (randomised[m["participant_id"]] - m["stop_date"]).days > 30
    assert trial.rows("medical_history") and trial.rows("audit_trail") == []


def test_screening_log_feeds_consort(trial) -> None:
    log = trial.rows("screening")
    randomised = [r for r in log if r["participant_id"]]
    assert len(randomised) == 144
    assert len(log) > 144 and all(r["eligible"] == "eligible" and r["consented"] for r in randomised)


def test_same_seed_same_trial() -> None:
    a = simulate_trial(build_scenario({"participants": 20}), np.random.default_rng(3))
    b = simulate_trial(build_scenario({"participants": 20}), np.random.default_rng(3))
    assert a.tables == b.tables


def test_a_data_cutoff_shows_a_trial_in_progress() -> None:
    cutoff = dt.date(2016, 6, 30)
    trial = simulate_trial(build_scenario({"data_cutoff": cutoff}), np.random.default_rng(4))
    assert all(r["screened_date"] <= cutoff for r in trial.rows("screening"))
    assert 0 < len(trial.rows("participants")) < 144
    statuses = Counter(r["status"] for r in trial.rows("disposition"))
    assert statuses["ongoing"] > 0 and statuses["completed"] > 0
    assert any(v["status"] == "upcoming" and v["actual_date"] is None for v in trial.rows("visits"))
    for table, column in (("visits", "actual_date"), ("adverse_events", "start_date"), ("edss", "assessment_date"),
                          ("mri", "scan_date"), ("relapses", "onset_date"), ("vital_signs", "assessment_date"),
                          ("labs", "sample_date"), ("concomitant_medications", "start_date"),
                          ("concomitant_medications", "stop_date")):
        assert all(r[column] is None or r[column] <= cutoff for r in trial.rows(table)), table
    assert all(r["stop_date"] is None or r["stop_date"] <= cutoff for r in trial.rows("adverse_events"))
