"""VS, LB, QS and MO: the flat tables' wide rows turned into one record per test (SDTMIG 3.2
findings class), with the original result, the standard result (character and numeric), units,
and the baseline flag on the last value on or before the reference start (week 0).

QS holds the EDSS score (QSCAT "EDSS", QSTESTCD EDSS0101) and the eight Kurtzke functional
systems (QSCAT "KFSS", KFSS101-KFSS108) as the EDSS v1.0 and KFSS v1.1 QRS supplements lay them
out, which TAUG-MS v1.0 points to for disability. MO holds the MRI reads: GEL count, new or
enlarging T2 lesions, T2 lesion volume and T1 black holes, location BRAIN, method MRI.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mesems.exports.sdtm.context import SdtmContext, iso, study_day
from mesems.exports.sdtm.subject import visit_frame
from mesems.exports.sdtm.terms import decode


@dataclass(frozen=True)
class Test:
    """A column of a flat table that becomes one test of a findings dataset."""

    column: str
    code: str
    unit: str | None = None
    category: str | None = None
    decimals: int | None = None


VITALS = (
    Test("systolic_bp", "SYSBP", "mmHg"),
    Test("diastolic_bp", "DIABP", "mmHg"),
    Test("pulse", "PULSE", "beats/min"),
    Test("temperature_c", "TEMP", "C", decimals=1),
    Test("weight_kg", "WEIGHT", "kg", decimals=1),
)
LABS = (
    Test("wbc", "WBC", "10^9/L", "HEMATOLOGY", decimals=1),
    Test("creatinine", "CREAT", "umol/L", "CHEMISTRY", decimals=0),
    Test("egfr", "EGFR", "mL/min/1.73m2", "CHEMISTRY", decimals=0),
)
DISABILITY = (
    Test("edss", "EDSS0101", category="EDSS", decimals=1),
    Test("fs_pyramidal", "KFSS101", category="KFSS"),
    Test("fs_cerebellar", "KFSS102", category="KFSS"),
    Test("fs_brainstem", "KFSS103", category="KFSS"),
    Test("fs_sensory", "KFSS104", category="KFSS"),
    Test("fs_bowel_bladder", "KFSS105", category="KFSS"),
    Test("fs_visual", "KFSS106", category="KFSS"),
    Test("fs_cerebral", "KFSS107", category="KFSS"),
    Test("fs_other", "KFSS108", category="KFSS"),
)
MRI = (
    Test("gel", "GDT1LES"),
    Test("new_t2", "NET2LES"),
    Test("t2_volume_ml", "T2LESVOL", "mL", decimals=2),
    Test("black_holes", "T1HYPLES"),
)


def _text(value: pl.Expr, decimals: int | None) -> pl.Expr:
    """A result as text: integers plainly, decimals with the test's precision."""
    if decimals is None:
        return value.cast(pl.Int64).cast(pl.String)
    if decimals == 0:
        return value.round(0).cast(pl.Int64).cast(pl.String)
    scale = 10**decimals
    scaled = (value.abs() * scale).round(0).cast(pl.Int64)
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    fraction = (scaled % scale).cast(pl.String).str.zfill(decimals)
    return pl.concat_str([sign, (scaled // scale).cast(pl.String), pl.lit("."), fraction])


def _long(frame: pl.DataFrame, tests: tuple[Test, ...], domain: str, terms: str) -> pl.DataFrame:
    """One row per non-empty test value, with --TESTCD, --TEST, --ORRES, --STRESC, --STRESN, units."""
    parts = []
    for test in tests:
        if test.column not in frame.columns:
            continue
        rows = frame.filter(pl.col(test.column).is_not_null())
        text = _text(pl.col(test.column).cast(pl.Float64), test.decimals)
        parts.append(
            rows.with_columns(
                **{
                    f"{domain}TESTCD": pl.lit(test.code),
                    f"{domain}TEST": pl.lit(decode(terms, test.code)),
                    f"{domain}CAT": pl.lit(test.category, dtype=pl.String),
                    f"{domain}ORRES": text,
                    f"{domain}ORRESU": pl.lit(test.unit, dtype=pl.String),
                    f"{domain}STRESC": text,
                    f"{domain}STRESN": pl.col(test.column).cast(pl.Float64),
                    f"{domain}STRESU": pl.lit(test.unit, dtype=pl.String),
                    "_order": pl.lit(tests.index(test)),
                }
            )
        )
    return pl.concat(parts) if parts else frame.clear()


def _findings(context: SdtmContext, table: str, date_column: str, tests: tuple[Test, ...], domain: str, terms: str) -> pl.DataFrame:
    frame = visit_frame(context.tables.frame(table), context, date_column)
    long = _long(frame, tests, domain, terms)
    if long.is_empty():
        return long
    on_or_before = pl.when(pl.col(date_column) <= pl.col("_rfst")).then(pl.col(date_column))
    baseline = on_or_before.max().over("USUBJID", f"{domain}TESTCD")
    return long.with_columns(
        **{
            f"{domain}DTC": iso(date_column),
            f"{domain}DY": study_day(date_column),
            f"{domain}BLFL": pl.when(pl.col(date_column) == baseline).then(pl.lit("Y")),
        }
    )


def vs(context: SdtmContext) -> pl.DataFrame:
    return _findings(context, "vital_signs", "assessment_date", VITALS, "VS", "VSTESTCD")


def lb(context: SdtmContext) -> pl.DataFrame:
    return _findings(context, "labs", "sample_date", LABS, "LB", "LBTESTCD")


def qs(context: SdtmContext) -> pl.DataFrame:
    return _findings(context, "edss", "assessment_date", DISABILITY, "QS", "QSTESTCD")


def mo(context: SdtmContext) -> pl.DataFrame:
    frame = _findings(context, "mri", "scan_date", MRI, "MO", "MOTESTCD")
    return frame.with_columns(MOLOC=pl.lit("BRAIN"), MOMETHOD=pl.lit("MRI")) if not frame.is_empty() else frame
