"""What every part of the SAP needs: the snapshot, the protocol and how to group participants.

Blinded analyses group everyone together; only an unblinded analysis reads the sequence, and the
blinded snapshot does not even hold it (`Snapshot.blinded_view`), so no table can leak it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mesems.errors import AnalysisError
from mesems.protocol import Protocol
from mesems.stats.gel import GelDesign, gel_design
from mesems.stats.snapshot import Snapshot

POOLED = "All participants"
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class SapContext:
    snapshot: Snapshot
    protocol: Protocol
    blinded: bool

    @property
    def design(self) -> GelDesign:
        return gel_design(self.protocol)

    @property
    def participants(self) -> pl.DataFrame:
        frame = self.snapshot.tables["participants"]
        return frame if self.blinded else frame.filter(pl.col("sequence").is_not_null())

    def table(self, name: str) -> pl.DataFrame | None:
        return self.snapshot.table(name)

    @property
    def groups(self) -> tuple[str, ...]:
        """Participant groups: the sequences (unblinded) or everyone together (blinded)."""
        return (POOLED,) if self.blinded else tuple(a.id for a in self.protocol.arms)

    @property
    def treatments(self) -> tuple[str, ...]:
        """Treatment groups within a period: the interventions (unblinded) or everyone together (blinded)."""
        if self.blinded:
            return (POOLED,)
        return tuple(dict.fromkeys(i for arm in self.protocol.arms for i in arm.interventions))

    def with_group(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Add `group` (sequence or pooled) to a frame keyed by participant_id, keeping randomised participants only."""
        groups = self.participants.select("participant_id", (pl.lit(POOLED) if self.blinded else pl.col("sequence"))
                                          .alias("group"))
        return frame.join(groups, on="participant_id", how="inner")

    def with_treatment(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Add `treatment` (the intervention given in the row's `period`, or pooled) to a frame with
        participant_id and period; rows outside a protocol period are dropped."""
        if self.blinded:
            return self.with_group(frame).with_columns(pl.lit(POOLED).alias("treatment")).drop("group")
        given = pl.DataFrame(
            [(arm.id, number, intervention) for arm in self.protocol.arms
             for number, intervention in enumerate(arm.interventions, start=1)],
            schema={"sequence": pl.String, "period": pl.Int64, "treatment": pl.String}, orient="row")
        with_sequence = frame.join(self.participants.select("participant_id", "sequence"), on="participant_id")
        return with_sequence.join(given, on=["sequence", "period"], how="inner").drop("sequence")

    def follow_up_end(self) -> pl.DataFrame:
        """participant_id, randomisation_date and the end of follow-up: the disposition's end date,
        else randomisation + 7 x last visit week, else the last visit done, else randomisation."""
        base = self.participants.select("participant_id", "randomisation_date")
        ends = []
        disposition = self.table("disposition")
        if disposition is not None:
            ends.append(disposition.select("participant_id", pl.col("end_date").alias("e1"),
                                           pl.col("last_visit_week").alias("lw")))
        visits = self.table("visits")
        if visits is not None:
            ends.append(visits.filter(pl.col("status") == "done").group_by("participant_id")
                        .agg(pl.col("actual_date").max().alias("e3")))
        for frame in ends:
            base = base.join(frame, on="participant_id", how="left")
        candidates = [c for c in ("e1",) if c in base.columns]
        if "lw" in base.columns:
            base = base.with_columns((pl.col("randomisation_date") + pl.duration(days=7 * pl.col("lw"))).alias("e2"))
            candidates.append("e2")
        if "e3" in base.columns:
            candidates.append("e3")
        if base["randomisation_date"].null_count():
            row = int(base["randomisation_date"].is_null().arg_true()[0])
            raise AnalysisError(f"participant {base['participant_id'][row]} has no randomisation_date")
        end = pl.coalesce([pl.col(c) for c in candidates] + [pl.col("randomisation_date")])
        return base.select("participant_id", "randomisation_date", end.alias("end_date"))


def period_bounds(protocol: Protocol) -> dict[int, tuple[int, int]]:
    """Days from randomisation at which each period starts and ends (weeks x 7)."""
    return {p.number: (7 * p.start_week, 7 * p.end_week) for p in protocol.periods}
