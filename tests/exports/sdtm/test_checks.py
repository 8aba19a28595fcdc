from __future__ import annotations

import polars as pl

from mesems.exports.sdtm.checks import dataset_problems, domain_problems
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.sdtm.terms import TERMS


def test_generated_datasets_pass_every_check(datasets: dict[str, pl.DataFrame], blinded_datasets: dict[str, pl.DataFrame]) -> None:
    assert dataset_problems(datasets) == []
    assert dataset_problems(blinded_datasets) == []


def test_declared_names_labels_and_required_variables() -> None:
    for domain in DOMAINS.values():
        assert len(domain.code) == 2 and len(domain.label) <= 40
        names = domain.names
        assert len(names) == len(set(names)), domain.code
        for variable in domain.variables:
            assert len(variable.name) <= 8 and variable.name.isupper() and len(variable.label) <= 40, variable
            assert variable.terms is None or variable.terms in TERMS
        required = {v.name for v in domain.variables if v.core == "Req"}
        assert {"STUDYID", "DOMAIN", "USUBJID"} <= required, domain.code


def test_controlled_terms_of_sex_seriousness_and_grade(datasets: dict[str, pl.DataFrame]) -> None:
    assert set(datasets["DM"]["SEX"]) <= set(TERMS["SEX"].values)
    assert set(datasets["AE"]["AESER"]) <= {"Y", "N"}
    assert set(datasets["AE"]["AETOXGR"]) <= {"1", "2", "3", "4", "5"}
    assert set(datasets["AE"]["AEOUT"].drop_nulls()) <= set(TERMS["OUT"].values)
    assert set(datasets["DS"]["DSDECOD"]) <= set(TERMS["NCOMPLT"].values) | set(TERMS["PROTMLST"].values)


def test_values_are_within_200_bytes(datasets: dict[str, pl.DataFrame]) -> None:
    for code, frame in datasets.items():
        for name in frame.columns:
            if frame[name].dtype == pl.String:
                assert (frame[name].str.len_bytes().fill_null(0) <= 200).all(), f"{code}.{name}"


def test_each_broken_rule_is_reported(datasets: dict[str, pl.DataFrame]) -> None:
    dm = datasets["DM"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("X")).otherwise(pl.col("SEX")).alias("SEX"),
        pl.when(pl.int_range(pl.len()) == 1).then(None).otherwise(pl.col("SITEID")).alias("SITEID"),
        pl.lit("2014-13").alias("RFSTDTC"),
    ).drop("COUNTRY")
    ae = datasets["AE"].with_columns(pl.lit("Yes").alias("AESER"), pl.lit("x" * 201).alias("AETERM"))
    problems = domain_problems(DOMAINS["DM"], dm) + domain_problems(DOMAINS["AE"], ae, set(dm["USUBJID"]))
    text = "\n".join(problems)
    assert "DM.SEX: 'X' is not in code list SEX" in text
    assert "DM.SITEID: required variable is empty in 1 record(s)" in text
    assert "DM.COUNTRY: required variable is missing" in text
    assert "DM.RFSTDTC: '2014-13' is not an ISO 8601 date" in text
    assert "AE.AESER: 'Yes' is not in code list NY" in text
    assert "AE.AETERM: " in text and "longer than 200 bytes" in text


def test_subjects_must_be_in_dm_and_seq_unique(datasets: dict[str, pl.DataFrame]) -> None:
    vs = datasets["VS"].with_columns(pl.lit(1.0).alias("VSSEQ"))
    problems = domain_problems(DOMAINS["VS"], vs, {"MESEMS-NOBODY"})
    assert "VS.VSSEQ: not unique within a subject" in problems
    assert any(p.startswith("VS.USUBJID: ") and "is not in DM" in p for p in problems)
    assert dataset_problems({"AE": datasets["AE"]}) == ["DM: the demographics dataset is required"]
