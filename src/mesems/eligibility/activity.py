"""Inclusion 1, branches a (RRMS), b (SPMS) and c (PPMS): disease activity in the look-back.

Look-backs count back from the planned randomisation date: "in the last 12 months" is on or
after the same calendar day 12 months earlier (`lookback.months_before`). The EDSS increase of
1b(i)/1c(i) is the EDSS at randomisation (the screening EDSS) minus the lowest EDSS recorded in
the look-back, and the step it needs follows the EDSS at randomisation
(`clinical.edss.IncreaseRule`). An MRI look-back without any scan is unknown (an MRI is needed),
while scans without GEL are a finding; a recorded relapse list, even empty, is a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mesems.clinical.edss import IncreaseRule
from mesems.eligibility.context import Context
from mesems.eligibility.drugs import DrugClass
from mesems.eligibility.lookback import months_before
from mesems.eligibility.rules import ProgressiveActivityParams, RelapsingActivityParams
from mesems.eligibility.therapy import therapy_failure
from mesems.eligibility.verdicts import Outcome, Verdict, combine, verdict_of


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def relapses_in(ctx: Context, randomisation: dt.date, months: int, minimum: int) -> Outcome:
    """At least `minimum` clinically documented relapses in the last `months` months."""
    if ctx.record.relapses is None:
        return Outcome.unknown("relapse history not given", "relapses")
    first = months_before(randomisation, months)
    count = sum(1 for day in ctx.record.relapses if day >= first)
    return Outcome(
        verdict_of(count >= minimum),
        f"{_plural(count, 'relapse')} in the last {months} months (since {first}; {minimum} needed)",
        {f"relapses_{months}m": count},
    )


def gel_in(ctx: Context, randomisation: dt.date, months: int) -> Outcome:
    """At least one gadolinium-enhancing lesion on an MRI in the last `months` months."""
    if ctx.record.mri is None:
        return Outcome.unknown("MRI history not given", "mri")
    first = months_before(randomisation, months)
    scans = [scan for scan in ctx.record.mri if scan.date >= first]
    if not scans:
        return Outcome.unknown(f"no MRI in the last {months} months (since {first})", "mri")
    positive = [scan for scan in scans if scan.gel >= 1]
    if positive:
        latest = max(positive, key=lambda scan: scan.date)
        return Outcome(
            Verdict.MET,
            f"{_plural(latest.gel, 'GEL')} on the MRI of {latest.date}, in the last {months} months",
            {"gel_last_positive_date": latest.date.isoformat()},
        )
    return Outcome(
        Verdict.NOT_MET,
        f"no GEL on {_plural(len(scans), 'MRI')} in the last {months} months (since {first})",
        {"mri_scans": len(scans)},
    )


def edss_increase(ctx: Context, randomisation: dt.date, params: ProgressiveActivityParams) -> Outcome:
    """Inclusion 1b(i)/1c(i): the EDSS at randomisation minus the lowest EDSS of the look-back
    reaches the step the rule asks at that EDSS."""
    now, history = ctx.record.edss, ctx.record.edss_history
    if now is None:
        return Outcome.unknown("EDSS at screening not given", "edss")
    if history is None:
        return Outcome.unknown("EDSS history not given", "edss_history")
    months = params.edss_lookback_months
    first = months_before(randomisation, months)
    values = [m.value for m in history if m.date >= first]
    if not values:
        return Outcome.unknown(
            f"no EDSS recorded in the last {months} months (since {first}) to measure an increase",
            "edss_history",
        )
    rule = IncreaseRule(
        params.edss_threshold, params.increase_at_or_below_threshold, params.increase_above_threshold
    )
    lowest, needed = min(values), rule.required(now)
    where = "at or below" if now <= rule.threshold else "above"
    return Outcome(
        verdict_of(rule.is_increase(lowest, now, reference=now)),
        f"EDSS {now:.1f}, lowest in the last {months} months {lowest:.1f}: increase {now - lowest:.1f}; "
        f"at least {needed:.1f} needed with EDSS {where} {rule.threshold:.1f}",
        {"edss_lowest_in_lookback": lowest, "edss_increase_needed": needed},
    )


def oligoclonal_bands(ctx: Context) -> Outcome:
    """Inclusion 1c(iii): positive cerebrospinal fluid (oligoclonal bands)."""
    bands = ctx.record.csf_oligoclonal_bands
    if bands is None:
        return Outcome.unknown("CSF oligoclonal bands not given", "csf_oligoclonal_bands")
    return Outcome(verdict_of(bands), f"CSF oligoclonal bands {'positive' if bands else 'negative'}")


def failed_therapy(ctx: Context, months: int, classes: Sequence[DrugClass]) -> Outcome:
    """'Failed at least one year of one or more approved therapies' (inclusion 1a, 1b)."""
    if ctx.courses is None:
        return Outcome.unknown("therapy history not given", "therapies")
    return therapy_failure(ctx.courses, months, classes)


def relapsing_activity(ctx: Context, params: RelapsingActivityParams) -> Outcome:
    """Inclusion 1a: RRMS failing approved therapy, shown by >= 1 relapse in 12 months, >= 2 in 24
    months, or >= 1 GEL on MRI in 12 months."""
    day = ctx.randomisation
    if day is None:
        return ctx.undated_outcome()
    activity = combine(
        [
            relapses_in(ctx, day, 12, params.relapses_12m_min),
            relapses_in(ctx, day, 24, params.relapses_24m_min),
            gel_in(ctx, day, params.gel_lookback_months),
        ],
        any_part=True,
    )
    return combine([failed_therapy(ctx, params.failed_therapy_min_months, params.therapy_classes), activity])


def progressive_activity(ctx: Context, params: ProgressiveActivityParams) -> Outcome:
    """Inclusion 1b (SPMS: failed therapy, EDSS increase, relapse or GEL) and 1c (PPMS: EDSS
    increase, GEL, oligoclonal bands), as the parameters say."""
    day = ctx.randomisation
    if day is None:
        return ctx.undated_outcome()
    months = params.activity_months
    parts = (
        []
        if params.failed_therapy_min_months is None
        else [failed_therapy(ctx, params.failed_therapy_min_months, params.therapy_classes)]
    )
    parts.append(edss_increase(ctx, day, params))
    if params.activity == "relapse_or_gel":
        parts.append(combine([relapses_in(ctx, day, months, 1), gel_in(ctx, day, months)], any_part=True))
    elif params.activity == "gel":
        parts.append(gel_in(ctx, day, months))
    elif params.activity == "relapse":
        parts.append(relapses_in(ctx, day, months, 1))
    if params.requires_csf_oligoclonal_bands:
        parts.append(oligoclonal_bands(ctx))
    return combine(parts)
