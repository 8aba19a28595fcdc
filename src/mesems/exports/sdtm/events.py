"""AE, CE and FA (relapses), EX and CM.

- AE: MedDRA PT and SOC as recorded; CTCAE grade in AETOXGR (the protocol grades severity with
  CTCAE, so AESEV is not collected and not derived); EPOCH from the period the protocol attributes
  the event to; infusion reactions in AECAT.
- CE/FA: TAUG-MS v1.0 "Relapse": each relapse is a CE record (CETERM "MULTIPLE SCLEROSIS
  RELAPSE"); what is found about it, here whether an EDSS change confirmed it, is an FA record
  with FAOBJ = CETERM, linked by --LNKID.
- EX: one record per infusion. Blinded: EXTRT is "MSC OR PLACEBO (BLINDED)" and the dose is empty;
  the product code (which does not reveal the product) is EXLOT.
"""

from __future__ import annotations

import polars as pl

from mesems.exports.sdtm.context import SdtmContext, epoch_of_period, iso, study_day, with_subject
from mesems.exports.sdtm.subject import visit_frame

BLINDED_TREATMENT = "MSC OR PLACEBO (BLINDED)"
OUTCOMES = {
    "recovered": "RECOVERED/RESOLVED",
    "recovering": "RECOVERING/RESOLVING",
    "not_recovered": "NOT RECOVERED/NOT RESOLVED",
    "recovered_with_sequelae": "RECOVERED/RESOLVED WITH SEQUELAE",
    "fatal": "FATAL",
    "unknown": "UNKNOWN",
}
RELAPSE = "MULTIPLE SCLEROSIS RELAPSE"


def _yes_no(column: str) -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit("Y")).when(pl.col(column).not_()).then(pl.lit("N"))


def ae(context: SdtmContext) -> pl.DataFrame:
    frame = with_subject(context.tables.frame("adverse_events"), context)
    return frame.with_columns(
        AESPID=pl.col("ae_id"),
        AETERM=pl.col("term").str.to_uppercase(),
        AEDECOD=pl.col("pt"),
        AECAT=pl.when(pl.col("infusion_reaction")).then(pl.lit("INFUSION REACTION")),
        AEBODSYS=pl.col("soc"),
        AESER=_yes_no("serious"),
        AEACN=pl.lit(None, dtype=pl.String),
        AEREL=pl.when(pl.col("related")).then(pl.lit("RELATED")).otherwise(pl.lit("NOT RELATED")),
        AEOUT=pl.col("outcome").replace_strict(OUTCOMES, default=None, return_dtype=pl.String),
        AETOXGR=pl.col("grade").cast(pl.String),
        EPOCH=epoch_of_period(),
        AESTDTC=iso("start_date"),
        AEENDTC=iso("stop_date"),
        AESTDY=study_day("start_date"),
        AEENDY=study_day("stop_date"),
    )


def _relapses(context: SdtmContext) -> pl.DataFrame:
    frame = with_subject(context.tables.frame("relapses"), context).sort("participant_id", "onset_date")
    return frame.with_columns(link=pl.lit("RLP") + pl.col("onset_date").rank("ordinal").over("participant_id").cast(pl.String))


def ce(context: SdtmContext) -> pl.DataFrame:
    return _relapses(context).with_columns(
        CELNKID=pl.col("link"),
        CETERM=pl.lit(RELAPSE),
        CEDECOD=pl.lit("Multiple sclerosis relapse"),
        EPOCH=epoch_of_period(),
        CESTDTC=iso("onset_date"),
        CESTDY=study_day("onset_date"),
    )


def fa(context: SdtmContext) -> pl.DataFrame:
    return _relapses(context).with_columns(
        FALNKID=pl.col("link"),
        FATESTCD=pl.lit("CONFIRM"),
        FATEST=pl.lit("Confirmed by EDSS Change"),
        FAOBJ=pl.lit(RELAPSE),
        FAORRES=_yes_no("confirmed"),
        FASTRESC=_yes_no("confirmed"),
        VISITNUM=pl.lit(None, dtype=pl.Float64),
        VISIT=pl.lit(None, dtype=pl.String),
        EPOCH=epoch_of_period(),
        FADTC=iso("onset_date"),
        FADY=study_day("onset_date"),
    )


def ex(context: SdtmContext) -> pl.DataFrame:
    frame = visit_frame(context.tables.frame("infusions"), context, "infusion_date")
    if context.blinded:
        treatment, dose, unit = pl.lit(BLINDED_TREATMENT), pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.String)
    else:
        names = {i.id: i.name.upper() for i in context.protocol.interventions}
        treatment = pl.col("product").replace_strict(names, default=None, return_dtype=pl.String)
        dose, unit = (pl.col("cells_per_kg") / 1e6).round(4), pl.lit("10^6 cells/kg")
    return frame.with_columns(
        EXTRT=treatment,
        EXDOSE=dose,
        EXDOSU=unit,
        EXDOSFRM=pl.lit("SUSPENSION"),
        EXROUTE=pl.lit("INTRAVENOUS"),
        EXLOT=pl.col("product_code"),
        EPOCH=epoch_of_period(),
        EXSTDTC=iso("infusion_date"),
        EXENDTC=iso("infusion_date"),
        EXSTDY=study_day("infusion_date"),
    )


def cm(context: SdtmContext) -> pl.DataFrame:
    frame = with_subject(context.tables.frame("concomitant_medications"), context)
    return frame.with_columns(
        CMSPID=pl.col("cm_id"),
        CMTRT=pl.col("drug").str.to_uppercase(),
        CMCLAS=pl.col("drug_class").str.to_uppercase(),
        CMINDC=pl.col("indication").str.to_uppercase(),
        CMSTDTC=iso("start_date"),
        CMENDTC=iso("stop_date"),
        CMENRTPT=pl.when(pl.col("ongoing")).then(pl.lit("ONGOING")),
        CMENTPT=pl.when(pl.col("ongoing")).then(pl.lit("LAST VISIT")),
    )
