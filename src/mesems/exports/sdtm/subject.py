"""DM, SV, DS and MH: the subject-level datasets.

Blinding (mesems.access, PROTOCOL.md masking): in a blinded export ARMCD/ACTARMCD are "MASKED" and
ARM/ACTARM "Masked (blinded export)"; only an unblinded export names the sequence.
"""

from __future__ import annotations

import polars as pl
import pycountry

from mesems.exports.sdtm.context import SdtmContext, epoch, iso, study_day, visit_of, with_subject
from mesems.protocol import Protocol

MASKED_ARMCD = "MASKED"
MASKED_ARM = "Masked (blinded export)"
COURSES = {
    "RR": "RELAPSING-REMITTING MULTIPLE SCLEROSIS",
    "SP": "SECONDARY PROGRESSIVE MULTIPLE SCLEROSIS",
    "PP": "PRIMARY PROGRESSIVE MULTIPLE SCLEROSIS",
}
"""TAUG-MS v1.0: the diagnosis and its course as MH records in category PRIMARY DIAGNOSIS."""


def arm_code(arm_id: str) -> str:
    """ARMCD from a protocol arm id: letters and digits only, upper case, at most 20 characters."""
    return "".join(ch for ch in arm_id.upper() if ch.isalnum())[:20]


def _alpha3(alpha2: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country else None


def _actual_arm(context: SdtmContext) -> pl.DataFrame:
    """ACTARMCD/ACTARM from the products actually infused, in period order (SDTMIG 3.2 DM)."""
    protocol: Protocol = context.protocol
    given = (
        context.tables.frame("infusions")
        .sort("participant_id", "period")
        .group_by("participant_id", maintain_order=True)
        .agg(products=pl.col("product"))
    )
    planned = {tuple(arm.interventions): arm for arm in protocol.arms}
    rows = []
    for participant, products in given.iter_rows():
        match = next((arm for sequence, arm in planned.items() if list(sequence[: len(products)]) == products), None)
        code, name = (arm_code(match.id), match.label) if match else ("UNPLAN", "Unplanned Treatment")
        rows.append((participant, code, name))
    return pl.DataFrame(rows, schema={"participant_id": pl.String, "ACTARMCD": pl.String, "ACTARM": pl.String}, orient="row")


def dm(context: SdtmContext) -> pl.DataFrame:
    tables, protocol = context.tables, context.protocol
    infusions = tables.frame("infusions").group_by("participant_id", maintain_order=True).agg(
        _first=pl.col("infusion_date").min(), _last=pl.col("infusion_date").max()
    )
    last_visit = tables.frame("visits").filter(pl.col("status") == "done").group_by("participant_id", maintain_order=True).agg(_lastvisit=pl.col("actual_date").max())
    deaths = tables.frame("adverse_events").filter(pl.col("outcome") == "fatal").group_by("participant_id", maintain_order=True).agg(
        _death=pl.coalesce("stop_date", "start_date").min()
    )
    countries = {site.id: _alpha3(site.country) for site in protocol.sites}
    frame = (
        tables.frame("participants")
        .join(infusions, on="participant_id", how="left")
        .join(last_visit, on="participant_id", how="left")
        .join(tables.frame("disposition").select("participant_id", "end_date"), on="participant_id", how="left")
        .join(deaths, on="participant_id", how="left")
    )
    frame = with_subject(frame, context).with_columns(
        SUBJID=pl.col("participant_id"),
        RFSTDTC=iso("randomisation_date"),
        RFENDTC=pl.coalesce("end_date", "_lastvisit").dt.strftime("%Y-%m-%d"),
        RFXSTDTC=iso("_first"),
        RFXENDTC=iso("_last"),
        RFICDTC=pl.lit(None, dtype=pl.String),
        RFPENDTC=pl.max_horizontal("end_date", "_lastvisit").dt.strftime("%Y-%m-%d"),
        DTHDTC=iso("_death"),
        DTHFL=pl.when(pl.col("_death").is_not_null()).then(pl.lit("Y")),
        SITEID=pl.col("site_id"),
        AGE=pl.col("age").cast(pl.Float64),
        AGEU=pl.lit("YEARS"),
        SEX=pl.col("sex"),
        RACE=pl.lit(None, dtype=pl.String),
        COUNTRY=pl.col("site_id").replace_strict(countries, default=None, return_dtype=pl.String),
    )
    if context.blinded:
        return frame.with_columns(
            ARMCD=pl.lit(MASKED_ARMCD), ARM=pl.lit(MASKED_ARM), ACTARMCD=pl.lit(MASKED_ARMCD), ACTARM=pl.lit(MASKED_ARM)
        )
    arms = {arm.id: arm for arm in protocol.arms}
    frame = frame.join(_actual_arm(context), on="participant_id", how="left").with_columns(
        ARMCD=pl.col("sequence").replace_strict({k: arm_code(k) for k in arms}, return_dtype=pl.String),
        ARM=pl.col("sequence").replace_strict({k: a.label for k, a in arms.items()}, return_dtype=pl.String),
        ACTARMCD=pl.col("ACTARMCD").fill_null("NOTTRT"),
        ACTARM=pl.col("ACTARM").fill_null("Not Treated"),
    )
    return frame


def sv(context: SdtmContext) -> pl.DataFrame:
    numbers = context.visit_numbers.rename({"actual_date": "date"})
    frame = with_subject(numbers, context)
    return frame.with_columns(
        EPOCH=epoch("date", context.protocol),
        SVSTDTC=iso("date"),
        SVENDTC=iso("date"),
        SVSTDY=study_day("date"),
        SVUPDES=pl.when(pl.col("VISITDY").is_null()).then(pl.lit("Unscheduled visit (relapse assessment)")),
    )


def ds(context: SdtmContext) -> pl.DataFrame:
    tables = context.tables
    randomised = tables.frame("participants").select(
        "participant_id",
        date="randomisation_date",
        DSTERM=pl.lit("RANDOMIZED"),
        DSDECOD=pl.lit("RANDOMIZED"),
        DSCAT=pl.lit("PROTOCOL MILESTONE"),
    )
    decodes = {"completed": "COMPLETED", "withdrawn": "WITHDRAWAL BY SUBJECT", "lost_to_follow_up": "LOST TO FOLLOW-UP"}
    ended = tables.frame("disposition").filter(pl.col("status") != "ongoing").select(
        "participant_id",
        date="end_date",
        DSTERM=pl.coalesce(pl.col("reason").str.to_uppercase(), pl.col("status").replace_strict(decodes, default=None)),
        DSDECOD=pl.col("status").replace_strict(decodes, default=None, return_dtype=pl.String),
        DSCAT=pl.lit("DISPOSITION EVENT"),
    )
    frame = with_subject(pl.concat([randomised, ended]), context)
    return frame.with_columns(EPOCH=epoch("date", context.protocol), DSSTDTC=iso("date"), DSSTDY=study_day("date"))


def mh(context: SdtmContext) -> pl.DataFrame:
    tables = context.tables
    diagnosis = tables.frame("participants").select(
        "participant_id",
        MHSPID=pl.lit(None, dtype=pl.String),
        MHTERM=pl.col("ms_course").replace_strict(COURSES, default=None, return_dtype=pl.String),
        MHCAT=pl.lit("PRIMARY DIAGNOSIS"),
        MHSTDTC=(pl.col("randomisation_date").dt.year() - pl.col("disease_duration_years").floor().cast(pl.Int32)).cast(pl.String),
        MHENRTPT=pl.lit("ONGOING"),
        MHENTPT=iso("randomisation_date"),
    )
    history = tables.frame("medical_history").join(
        tables.frame("participants").select("participant_id", "randomisation_date"), on="participant_id"
    )
    general = history.select(
        "participant_id",
        MHSPID=pl.col("mh_id"),
        MHTERM=pl.col("term").str.to_uppercase(),
        MHCAT=pl.lit("GENERAL MEDICAL HISTORY"),
        MHSTDTC=iso("start_date"),
        MHENRTPT=pl.when(pl.col("ongoing")).then(pl.lit("ONGOING")).otherwise(pl.lit("BEFORE")),
        MHENTPT=iso("randomisation_date"),
    )
    return with_subject(pl.concat([diagnosis, general]), context).with_columns(MHDECOD=pl.lit(None, dtype=pl.String))


def visit_frame(frame: pl.DataFrame, context: SdtmContext, date_column: str) -> pl.DataFrame:
    """Subject, visit and epoch columns common to the findings builders."""
    frame = visit_of(with_subject(frame, context), context, date_column)
    return frame.with_columns(EPOCH=epoch(date_column, context.protocol))
