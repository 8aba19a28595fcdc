from __future__ import annotations

from pathlib import Path

import pytest

from mesems.exports.tables import TABLES
from mesems.protocol import load_protocol
from mesems.stats.sap import SapResult, run_sap
from mesems.stats.snapshot import read_snapshot

UNBLINDING_WORDS = ("MSC-placebo", "placebo-MSC", "PLACEBO", "MSC vs placebo", "Rate ratio")


@pytest.fixture(scope="module")
def results(trial_dir: Path) -> dict[bool, SapResult]:
    snapshot = read_snapshot(trial_dir)
    return {blinded: run_sap(snapshot, load_protocol(), blinded=blinded) for blinded in (False, True)}


def test_the_unblinded_sap_has_every_table_of_the_plan(results: dict[bool, SapResult]) -> None:
    keys = {t.key for t in results[False].tables()}
    assert keys == {"baseline", "gel_models", "gel_per_visit", "secondary_models", "relapse_rate", "t2_black_holes",
                    "confirmed_progression", "ae_summary", "ae_by_soc_pt", "deaths", "deviations", "missing_data"}
    labels = [r.label for r in results[False].rate_ratios]
    assert labels[0].startswith("Primary") and "no baseline adjustment" in labels[1]
    assert "per-scan" in labels[2] and labels[3].startswith("Crossover")
    assert all(r.estimable for r in results[False].rate_ratios), [r.reason for r in results[False].rate_ratios]


def test_the_blinded_sap_has_no_treatment_result_and_no_sequence_anywhere(results: dict[bool, SapResult]) -> None:
    blinded = results[True]
    assert blinded.rate_ratios == ()
    assert blinded.groups == ("All participants",)
    text = repr(blinded.sections) + repr(blinded.gel_means) + repr(blinded.km_curves) + repr(blinded.ae_bars) + repr(
        blinded.consort)
    for word in UNBLINDING_WORDS:
        assert word not in text


def test_provenance_names_data_protocol_and_software(results: dict[bool, SapResult], trial_dir: Path) -> None:
    provenance = results[False].provenance
    assert provenance.snapshot_digest == read_snapshot(trial_dir).digest
    assert provenance.protocol_id == "MESEMS"
    assert provenance.eligibility_versions == ("v1", "final")
    assert set(provenance.file_digests) == {f"{name}.csv" for name in TABLES}


def test_a_snapshot_without_sequences_gives_a_blinded_result(results: dict[bool, SapResult], trial_dir: Path) -> None:
    result = run_sap(read_snapshot(trial_dir).blinded_view(), load_protocol(), blinded=False)
    assert result.blinded
    assert result.tables() == results[True].tables()


def test_the_primary_row_equals_analyse_gel_on_the_same_scans(results: dict[bool, SapResult], trial_dir: Path) -> None:
    from mesems.stats.gel import analyse_gel

    contract = analyse_gel(trial_dir / "gel.csv").as_json()
    primary, _, _, crossover = results[False].rate_ratios[:4]
    assert primary.rate_ratio == pytest.approx(contract["primary"]["rate_ratio"], rel=1e-12)
    assert crossover.rate_ratio == pytest.approx(contract["crossover"]["rate_ratio"], rel=1e-9)


def test_the_consort_counts_add_up(results: dict[bool, SapResult]) -> None:
    unblinded, blinded = results[False].consort, results[True].consort
    assert sum(unblinded.allocated) == unblinded.randomised == blinded.allocated[0]
    assert unblinded.screened == blinded.screened
    assert sum(unblinded.analysed_primary) == blinded.analysed_primary[0]
    assert sum(unblinded.completed) == blinded.completed[0]
