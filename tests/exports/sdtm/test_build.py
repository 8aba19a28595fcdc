from __future__ import annotations

import polars as pl

from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.sdtm.subject import MASKED_ARM, MASKED_ARMCD
from mesems.exports.tableset import TrialTables


def test_every_dataset_has_exactly_its_declared_variables_in_order(datasets: dict[str, pl.DataFrame]) -> None:
    assert set(datasets) == set(DOMAINS) >= {"DM", "AE", "EX", "CM", "VS", "LB", "DS", "SV", "MH", "QS", "MO", "CE", "FA"}
    for code, frame in datasets.items():
        assert frame.columns == DOMAINS[code].names, code
        assert frame.height > 0, code


def test_dm_is_one_record_per_participant_with_arms_from_the_protocol(datasets: dict[str, pl.DataFrame], tables: TrialTables) -> None:
    dm = datasets["DM"]
    assert dm.height == tables.participant_count and dm["USUBJID"].is_unique().all()
    assert set(dm["ARMCD"]) == {"MSCPLACEBO", "PLACEBOMSC"}
    assert set(dm["ARM"]) == {"Early MSC (MSC then placebo)", "Delayed MSC (placebo then MSC)"}
    treated = dm.filter(pl.col("RFXSTDTC").is_not_null())
    assert (treated["ACTARMCD"] == treated["ARMCD"]).all()
    assert set(dm["COUNTRY"]) <= {"SWE", "ITA", "ESP", "GBR", "DNK", "AUT", "CHE", "FRA", "CAN"}
    assert (dm["RFSTDTC"] == dm["RFXSTDTC"]).all()


def test_blinded_datasets_mask_arm_sequence_and_product(blinded_datasets: dict[str, pl.DataFrame]) -> None:
    dm, ex = blinded_datasets["DM"], blinded_datasets["EX"]
    assert set(dm["ARMCD"]) == set(dm["ACTARMCD"]) == {MASKED_ARMCD}
    assert set(dm["ARM"]) == set(dm["ACTARM"]) == {MASKED_ARM}
    assert set(ex["EXTRT"]) == {"MSC OR PLACEBO (BLINDED)"} and ex["EXDOSE"].null_count() == ex.height
    everything = "\n".join(str(frame.rows()) for frame in blinded_datasets.values())
    assert "MESENCHYMAL" not in everything and "PLACEBOMSC" not in everything and "10^6 cells/kg" not in everything


def test_ex_names_the_product_and_dose_when_unblinded(datasets: dict[str, pl.DataFrame]) -> None:
    ex = datasets["EX"]
    assert set(ex["EXTRT"]) == {"AUTOLOGOUS BONE-MARROW-DERIVED MESENCHYMAL STEM CELLS", "PLACEBO (SUSPENSION MEDIUM)"}
    msc = ex.filter(pl.col("EXTRT").str.starts_with("AUTOLOGOUS"))
    assert msc["EXDOSE"].is_between(1.0, 2.0).all() and set(ex["EXDOSU"]) == {"10^6 cells/kg"}
    assert set(ex["EPOCH"]) == {"TREATMENT 1", "TREATMENT 2"} and set(ex["EXROUTE"]) == {"INTRAVENOUS"}


def test_edss_and_functional_systems_are_qs_records_per_item(datasets: dict[str, pl.DataFrame], tables: TrialTables) -> None:
    qs = datasets["QS"]
    edss = qs.filter(pl.col("QSCAT") == "EDSS")
    assert edss.height == tables.frame("edss").height and set(edss["QSTESTCD"]) == {"EDSS0101"}
    kfss = qs.filter(pl.col("QSCAT") == "KFSS")
    assert set(kfss["QSTESTCD"]) == {f"KFSS10{i}" for i in range(1, 9)}
    assert kfss.filter(pl.col("QSTESTCD") == "KFSS101")["QSTEST"][0] == "KFSS1-Pyramidal Functions"
    assert (edss["QSSTRESN"].cast(pl.String) == edss["QSORRES"]).all()
    baseline = qs.filter(pl.col("QSBLFL") == "Y")
    assert baseline.group_by("USUBJID", "QSTESTCD").len()["len"].max() == 1


def test_mri_reads_are_mo_records_in_the_brain(datasets: dict[str, pl.DataFrame], tables: TrialTables) -> None:
    mo = datasets["MO"]
    gel = mo.filter(pl.col("MOTESTCD") == "GDT1LES")
    assert gel.height == tables.frame("mri").height
    assert set(mo["MOLOC"]) == {"BRAIN"} and set(mo["MOMETHOD"]) == {"MRI"}
    assert set(mo.filter(pl.col("MOTESTCD") == "T2LESVOL")["MOORRESU"]) == {"mL"}


def test_relapses_are_ce_events_with_fa_findings_linked(datasets: dict[str, pl.DataFrame], tables: TrialTables) -> None:
    ce, fa = datasets["CE"], datasets["FA"]
    assert ce.height == fa.height == tables.frame("relapses").height
    assert set(ce["CETERM"]) == {"MULTIPLE SCLEROSIS RELAPSE"} == set(fa["FAOBJ"])
    linked = ce.select("USUBJID", "CELNKID", "CESTDTC").join(fa.select("USUBJID", "FALNKID", "FADTC"), left_on=["USUBJID", "CELNKID"], right_on=["USUBJID", "FALNKID"])
    assert linked.height == ce.height and (linked["CESTDTC"] == linked["FADTC"]).all()


def test_ms_diagnosis_is_primary_diagnosis_in_mh(datasets: dict[str, pl.DataFrame], tables: TrialTables) -> None:
    primary = datasets["MH"].filter(pl.col("MHCAT") == "PRIMARY DIAGNOSIS")
    assert primary.height == tables.participant_count
    assert set(primary["MHTERM"]) <= {
        "RELAPSING-REMITTING MULTIPLE SCLEROSIS",
        "SECONDARY PROGRESSIVE MULTIPLE SCLEROSIS",
        "PRIMARY PROGRESSIVE MULTIPLE SCLEROSIS",
    }


def test_visits_and_study_days(datasets: dict[str, pl.DataFrame]) -> None:
    sv = datasets["SV"]
    scheduled = sv.filter(pl.col("VISITDY").is_not_null())
    assert set(scheduled["VISITNUM"]) <= {float(i) for i in range(1, 14)}
    unscheduled = sv.filter(pl.col("VISITDY").is_null())
    assert unscheduled.height > 0 and (unscheduled["VISITNUM"] % 1 > 0).all()
    assert unscheduled["VISIT"].str.starts_with("UNSCHEDULED ").all()
    baseline = sv.filter(pl.col("VISITNUM") == 1.0)
    assert (baseline["SVSTDY"] == 1.0).all()
    assert not (datasets["AE"]["AESTDY"] == 0).any()
    for code, frame in datasets.items():
        sequence = f"{code}SEQ"
        if sequence in frame.columns:
            assert frame.group_by("USUBJID").agg(ok=(pl.col(sequence) == pl.int_range(1, pl.len() + 1))).explode("ok")["ok"].all(), code
