"""Registry pre-screening: every criterion for every row of a flat extract at once, with polars.

The rules are the kernels of `kernels` (the per-record engine's rules as column expressions);
here they are merged across eligibility versions (each row is judged under the version in
force on its planned randomisation date) and evaluated in chunks. For every valid row the
verdicts equal those of the per-record engine on `extract.candidate_from_row(row)` (tests check
it on thousands of generated records).

Inclusion 1 is one column, `INC-1`, holding the verdict of the branch of the row's course.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from mesems.eligibility.criteria import parsed_params
from mesems.eligibility.kernels import (
    KERNELS,
    MET,
    NOT_MET,
    UNKNOWN,
    CompiledVersion,
    R,
    code,
    helper_columns,
)
from mesems.eligibility.screening import version_for
from mesems.eligibility.verdicts import VERDICT_OF_RANK
from mesems.errors import EligibilityError
from mesems.protocol import EligibilityVersion, Protocol

VERDICT_DTYPE = pl.Enum([str(v) for v in VERDICT_OF_RANK])


def criterion_ids(version: EligibilityVersion) -> list[str]:
    """The top-level criterion ids of a version, in protocol order (INC-1 stands for its branches)."""
    return [c.id for c in version.criteria]


def version_codes(version: EligibilityVersion) -> tuple[dict[str, pl.Expr], dict[str, pl.Expr]]:
    """The expressions of one version: its inclusion-1 branch columns by name, and one verdict
    code (Int8) per criterion by id."""
    compiled = CompiledVersion(version, parsed_params(version))
    branches = {f"_branch_{c}": expr for c in ("RR", "SP", "PP") if (expr := compiled.branch(c)) is not None}
    codes = {
        criterion.id: code(UNKNOWN)
        if criterion.rule is None
        else KERNELS[criterion.rule](compiled, compiled.params[criterion.id])
        for criterion in version.criteria
    }
    return branches, codes


def eligible_expr(ids: list[str]) -> pl.Expr:
    """True if all criteria are met, False if any is not met, null otherwise."""
    lowest = pl.min_horizontal(*(pl.col(i) for i in ids))
    return pl.when(lowest == NOT_MET).then(False).when(lowest == MET).then(True).otherwise(None)


def first_failed_expr(ids: list[str]) -> pl.Expr:
    """The first criterion, in protocol order, that is not met (null when none)."""
    return pl.coalesce(*(pl.when(pl.col(i) == NOT_MET).then(pl.lit(i)) for i in ids))


def version_expr(protocol: Protocol, version: str | None) -> pl.Expr:
    """The eligibility version in force on each row's planned randomisation date (or the named one)."""
    if version is not None:
        return pl.lit(version_for(protocol, None, version).id)
    expr: Any = pl
    for v in sorted(protocol.eligibility, key=lambda v: v.effective_from, reverse=True):
        expr = expr.when(R >= v.effective_from).then(pl.lit(v.id))
    in_force: pl.Expr = expr.otherwise(None)
    return in_force


def _by_version(exprs: dict[str, pl.Expr]) -> pl.Expr:
    """One expression from each version's own: shared when they are the same, otherwise chosen
    by the row's version (null for a version without it)."""
    first = next(iter(exprs.values()))
    if all(expr.meta.eq(first) for expr in exprs.values()):
        return first
    chosen: Any = pl
    for version_id, expr in exprs.items():
        chosen = chosen.when(pl.col("protocol_version") == version_id).then(expr)
    merged: pl.Expr = chosen.otherwise(None)
    return merged


def _merged(per_version: dict[str, dict[str, pl.Expr]]) -> dict[str, pl.Expr]:
    names = dict.fromkeys(name for exprs in per_version.values() for name in exprs)
    return {
        name: _by_version({v: exprs[name] for v, exprs in per_version.items() if name in exprs}).alias(name)
        for name in names
    }


def evaluate_extract(frame: pl.DataFrame, protocol: Protocol, versions_used: list[str]) -> pl.DataFrame:
    """Verdict codes for a checked extract with its `protocol_version` column: `id`,
    `protocol_version`, `eligible`, `first_failed` and one Int8 column per criterion (the
    versions' criteria merged in protocol order; a criterion absent from a row's version is null).
    A criterion whose rule and parameters are the same in every version is computed once."""
    compiled = {v: version_codes(protocol.eligibility_version(v)) for v in versions_used}
    branches = _merged({v: b for v, (b, _) in compiled.items()})
    codes = _merged({v: c for v, (_, c) in compiled.items()})
    ids = list(dict.fromkeys(i for v in protocol.eligibility for i in criterion_ids(v)))
    verdict = _merged(
        {
            v: {
                "eligible": eligible_expr(list(c)),
                "first_failed": first_failed_expr(list(c)).cast(pl.Enum(ids)),
            }
            for v, (_, c) in compiled.items()
        }
    )
    missing = [pl.lit(None, pl.Int8).alias(i) for i in ids if i not in codes]
    return (
        frame.lazy()
        .with_columns(helper_columns([*branches.values(), *codes.values()]))
        .with_columns(*branches.values())
        .select("id", "protocol_version", *codes.values(), *missing)
        .with_columns(*verdict.values())
        .select("id", "protocol_version", "eligible", "first_failed", *ids)
        .collect()
    )


def as_verdicts(codes: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """Codes as the words of `verdicts.Verdict` (met, not_met, unknown)."""
    words = pl.Series([str(v) for v in VERDICT_OF_RANK], dtype=VERDICT_DTYPE)
    return codes.with_columns(pl.lit(words).gather(pl.col(i)).alias(i) for i in ids)


def prescreen(
    frame: pl.DataFrame,
    protocol: Protocol,
    version: str | None = None,
    *,
    chunk_rows: int = 250_000,
    progress: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """Verdict codes for a checked extract (`registry.check_extract`) under the version in force
    on each row's planned randomisation date (or `version`), evaluated in chunks of rows;
    `progress` is told how many rows each chunk held."""
    frame = frame.with_columns(version_expr(protocol, version).alias("protocol_version"))
    outside = frame["protocol_version"].is_null()
    if outside.any():
        row = int(outside.arg_max() or 0)
        first = min(v.effective_from for v in protocol.eligibility)
        raise EligibilityError(
            f"{int(outside.sum())} row(s) have no eligibility version in force; first: row {row + 1} (id {frame['id'][row]}), "
            f"planned_randomisation_date {frame['planned_randomisation_date'][row]} is before {first}",
            field="planned_randomisation_date",
        )
    used = [
        v.id for v in protocol.eligibility if v.id in set(frame["protocol_version"].unique().to_list())
    ] or [protocol.eligibility[-1].id]
    parts = []
    for offset in range(0, max(frame.height, 1), chunk_rows):
        chunk = frame.slice(offset, chunk_rows)
        parts.append(evaluate_extract(chunk, protocol, used))
        if progress is not None:
            progress(chunk.height)
    return pl.concat(parts)
