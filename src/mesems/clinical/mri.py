"""The MRI read (PROTOCOL.md, schedule of assessments; DESIGN.md, the GEL contract).

Every scan counts gadolinium-enhancing lesions (GEL) on a 1.5 T scanner; at weeks 0, 24 and 48
the read adds new/enlarging T2 lesions, T2 lesion volume and T1 black holes. The reader is blinded
to treatment (masking: outcomes assessor). Counts are whole numbers >= 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.problems import Problem, not_in_future, required, whole_count

PROTOCOL_FIELD_STRENGTH_T = 1.5
T2_FIELDS = ("new_t2", "t2_volume_ml", "black_holes")


def check_mri_read(values: Mapping[str, Any], today: dt.date, t2_required: bool) -> list[Problem]:
    problems = required(values, ["scan_date", "gel"], "for an MRI read")
    if t2_required:
        problems += required(values, list(T2_FIELDS), "at weeks 0, 24 and 48")
    problems += not_in_future(values.get("scan_date"), today, "scan_date")
    problems += whole_count(values.get("gel"), "gel", "GEL count")
    problems += whole_count(values.get("new_t2"), "new_t2", "new/enlarging T2 count")
    problems += whole_count(values.get("black_holes"), "black_holes", "black-hole count")
    volume = values.get("t2_volume_ml")
    if volume is not None and volume < 0:
        problems.append(
            Problem("t2_volume_ml", "negative", f"T2 lesion volume {volume:g} mL cannot be negative")
        )
    strength = values.get("field_strength_t")
    if strength is not None and strength != PROTOCOL_FIELD_STRENGTH_T:
        problems.append(
            Problem(
                "field_strength_t",
                "not_protocol_scanner",
                f"the protocol's scans are at {PROTOCOL_FIELD_STRENGTH_T:g} T, got {strength:g} T",
            )
        )
    if values.get("reader_blinded") is False:
        problems.append(
            Problem(
                "reader_blinded",
                "reader_not_blinded",
                "the MRI must be read by a reader blinded to treatment",
            )
        )
    return problems
