"""Generated candidates and registry extracts, for tests, the benchmark and demonstrations.

Values crowd around the criteria's boundaries (ages near 18 and 50, durations near 2, 10 and
15 years, therapy stops and relapses near 30 and 60 days, EDSS near the ranges' ends) and every
item is sometimes unknown, so that every path of every rule is taken. Randomness comes from a
passed `numpy.random.Generator`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl

from mesems.clinical.edss import EDSS_STEPS
from mesems.eligibility.extract import APPROVED_CLASSES, THERAPY_GROUPS
from mesems.eligibility.record import FLAG_LABELS, MALIGNANCY_KINDS
from mesems.eligibility.registry import SCHEMA, distinct_count

FIRST_RANDOMISATION = dt.date(2013, 2, 1)
DRUG_NAMES = (
    "Avonex",
    "REBIF",
    "Betaferon",
    "Plegridy",
    "interferon beta-1a",
    "Copaxone",
    "glatiramer acetate",
    "Tysabri",
    "Gilenya",
    "Novantrone",
    "mitoxantrone",
    "methylprednisolone",
    "Solu-Medrol",
    "prednisolone",
    "azathioprine",
    "methotrexate",
    "rituximab",
    "Ocrevus",
    "cladribine",
    "alemtuzumab",
    "cyclophosphamide",
    "mycophenolate mofetil",
    "vitamin D",
    "IVIG",
    "baclofen",
)
EDGE_DAYS = (0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 92, 364, 365, 366, 729, 730, 731)
YEAR_EDGES = (16, 17, 18, 19, 49, 50, 51, 52, 1, 2, 3, 9, 10, 11, 14, 15, 16)


def _maybe(rng: np.random.Generator, value: Any, p_unknown: float = 0.08) -> Any:
    return None if rng.random() < p_unknown else value


def _years_back(rng: np.random.Generator, day: dt.date, years: int) -> dt.date:
    """About `years` years before `day`, often exactly on the anniversary or a day off it."""
    anniversary = dt.date(day.year - years, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)
    return anniversary + dt.timedelta(days=int(rng.choice([-1, 0, 0, 1, int(rng.integers(-200, 200))])))


def _days_back(rng: np.random.Generator, day: dt.date, not_before: dt.date) -> dt.date:
    back = int(rng.choice(EDGE_DAYS)) if rng.random() < 0.6 else int(rng.integers(0, 1200))
    return max(day - dt.timedelta(days=back), not_before)


def _course(
    rng: np.random.Generator, day: dt.date, birth: dt.date, drug: str, stop_back: int | None
) -> dict[str, Any]:
    """A course of `drug` stopping `stop_back` days before `day` (None: ongoing), of edge-crowded length."""
    stop = None if stop_back is None else day - dt.timedelta(days=stop_back)
    end = min(stop, day) if stop else day
    length = int(rng.choice([0, 364, 365, 366, int(rng.integers(30, 4000))]))
    start = None if rng.random() < 0.06 else max(end - dt.timedelta(days=length), birth).isoformat()
    return {"drug": drug, "start": start, "stop": stop and max(stop, birth).isoformat()}


def random_candidate(rng: np.random.Generator) -> dict[str, Any]:
    """A valid candidate record (DESIGN.md format) as decoded JSON, often nearly eligible."""
    day = FIRST_RANDOMISATION + dt.timedelta(days=int(rng.integers(0, 14 * 365)))
    age = int(rng.choice(YEAR_EDGES[:8])) if rng.random() < 0.3 else int(rng.integers(19, 50))
    birth = _years_back(rng, day, age)
    duration = int(rng.choice(YEAR_EDGES[8:])) if rng.random() < 0.3 else int(rng.integers(2, 10))
    onset = min(max(_years_back(rng, day, duration), birth), day)

    def when() -> str:
        return _days_back(rng, day, birth).isoformat()

    edss = float(rng.choice(EDSS_STEPS[2:16]))
    stop_back = None if rng.random() < 0.05 else int(rng.choice([29, 30, 31, 32, 60, 91, 92, 150, 300]))
    therapies = [_course(rng, day, birth, str(rng.choice(DRUG_NAMES[:11])), stop_back)]
    for _ in range(int(rng.integers(0, 3))):
        back = (
            None
            if rng.random() < 0.1
            else -int(rng.integers(1, 30))
            if rng.random() < 0.05
            else int(rng.choice(EDGE_DAYS))
            if rng.random() < 0.5
            else int(rng.integers(0, 1500))
        )
        therapies.append(_course(rng, day, birth, str(rng.choice(DRUG_NAMES)), back))
    record: dict[str, Any] = {
        "id": f"C-{int(rng.integers(0, 10**6)):06d}",
        "birth_date": _maybe(rng, birth.isoformat()),
        "sex": _maybe(rng, str(rng.choice(["F", "M"]))),
        "ms_course": _maybe(rng, str(rng.choice(["RR", "SP", "PP"], p=[0.6, 0.25, 0.15]))),
        "ms_onset_date": _maybe(rng, onset.isoformat()),
        "planned_randomisation_date": day.isoformat(),
        "edss": _maybe(rng, edss),
        "edss_history": _maybe(
            rng,
            [
                {"date": when(), "value": max(1.0, edss - float(rng.choice([0.0, 0.5, 1.0, 1.5])))}
                for _ in range(int(rng.integers(0, 4)))
            ],
        ),
        "relapses": _maybe(rng, [when() for _ in range(int(rng.integers(0, 4)))]),
        "mri": _maybe(
            rng, [{"date": when(), "gel": int(rng.choice([0, 1, 3]))} for _ in range(int(rng.integers(0, 4)))]
        ),
        "csf_oligoclonal_bands": _maybe(rng, bool(rng.random() < 0.9)),
        "therapies": _maybe(rng, therapies),
        **{name: _maybe(rng, bool(rng.random() < 0.02), 0.03) for name in FLAG_LABELS},
        "malignancy_history": _maybe(
            rng, str(rng.choice(MALIGNANCY_KINDS, p=[0.88, 0.03, 0.03, 0.03, 0.03])), 0.03
        ),
        "pregnant": _maybe(rng, bool(rng.random() < 0.02), 0.03),
        "uses_contraception": _maybe(rng, bool(rng.random() < 0.95), 0.03),
        "egfr": _maybe(
            rng,
            float(
                rng.choice([59.9, 60.0, max(round(float(rng.normal(95, 15)), 1), 0.0)], p=[0.05, 0.05, 0.9])
            ),
            0.03,
        ),
        "can_have_mri": _maybe(rng, bool(rng.random() < 0.98), 0.03),
        "consent": _maybe(rng, bool(rng.random() < 0.98), 0.03),
    }
    return record


def _dates_back(rng: np.random.Generator, day: np.ndarray, floor: np.ndarray, high: int) -> np.ndarray:
    edge = rng.choice(np.array(EDGE_DAYS), size=day.shape)
    back = np.where(rng.random(day.shape) < 0.5, edge, rng.integers(0, high, size=day.shape))
    dates: np.ndarray = np.maximum(day - back, floor)
    return dates


def random_extract(rng: np.random.Generator, rows: int) -> pl.DataFrame:
    """A valid registry extract (`extract.EXTRACT`) of `rows` rows, generated column-wise."""
    epoch = dt.date(1970, 1, 1)
    first = (FIRST_RANDOMISATION - epoch).days
    day = first + rng.integers(0, 14 * 365, rows)
    birth = day - rng.integers(16 * 365, 56 * 365, rows)
    onset = np.clip(day - rng.integers(0, 20 * 365, rows), birth, day)

    def unknown(p: float = 0.08) -> np.ndarray:
        return rng.random(rows) < p

    def flag(p_true: float, p_unknown: float = 0.08) -> pl.Series:
        return pl.Series(rng.random(rows) < p_true).set(pl.Series(unknown(p_unknown)), None)

    relapse_count = np.where(unknown(), -1, rng.choice(np.array([0, 1, 2, 3]), rows))
    relapse_last = _dates_back(rng, day, birth, 900)
    relapse_second = _dates_back(rng, relapse_last, birth, 800)
    mri_count = np.where(unknown(), -1, rng.choice(np.array([0, 1, 2, 4]), rows))
    mri_last = _dates_back(rng, day, birth, 500)
    gel_kind = rng.integers(0, 3, rows)  # 0 none positive, 1 the last scan, 2 an earlier scan
    gel_earlier = np.maximum(mri_last - rng.integers(1, 400, rows), birth)
    columns: dict[str, Any] = {
        "id": [f"R-{i:07d}" for i in range(rows)]
        if rows <= 10**5
        else "R-" + pl.int_range(rows, eager=True).cast(pl.String).str.zfill(7),
        "planned_randomisation_date": day,
        "birth_date": np.where(unknown(), -(10**6), birth),
        "ms_onset_date": np.where(unknown(), -(10**6), onset),
        "sex": rng.choice(np.array(["F", "M", ""]), rows, p=[0.62, 0.3, 0.08]),
        "ms_course": rng.choice(np.array(["RR", "SP", "PP", ""]), rows, p=[0.55, 0.2, 0.17, 0.08]),
        "edss": np.where(unknown(), np.nan, rng.choice(np.array(EDSS_STEPS[3:16]), rows)),
        "edss_lowest_12m": np.where(unknown(0.2), np.nan, rng.choice(np.array(EDSS_STEPS[1:14]), rows)),
        "relapse_count": relapse_count,
        "relapse_last_date": np.where(relapse_count >= 1, relapse_last, -(10**6)),
        "relapse_second_last_date": np.where(
            relapse_count >= 2, np.minimum(relapse_second, relapse_last), -(10**6)
        ),
        "mri_count": mri_count,
        "mri_last_date": np.where(mri_count >= 1, mri_last, -(10**6)),
        "gel_last_positive_date": np.where(
            (mri_count >= 1) & (gel_kind == 1),
            mri_last,
            np.where((mri_count >= 2) & (gel_kind == 2), gel_earlier, -(10**6)),
        ),
        "csf_oligoclonal_bands": flag(0.8),
        "egfr": np.where(unknown(0.05), np.nan, np.maximum(np.round(rng.normal(90, 20, rows), 1), 0.0)),
        "malignancy_history": rng.choice(
            np.array([*MALIGNANCY_KINDS, ""]), rows, p=[0.76, 0.04, 0.04, 0.04, 0.04, 0.08]
        ),
        **{name: flag(0.04) for name in FLAG_LABELS},
        "pregnant": flag(0.04),
        "uses_contraception": flag(0.9),
        "can_have_mri": flag(0.96),
        "consent": flag(0.96),
    }
    known = ~unknown(0.1)
    for group in THERAPY_GROUPS:
        taken = known & (rng.random(rows) < (0.08 if group == "unclassified" else 0.3))
        columns[f"{group}_last_date"] = np.where(taken, _dates_back(rng, day, birth, 700), -(10**6))
        columns[f"{group}_ongoing"] = pl.Series(known & (rng.random(rows) < 0.06)).set(
            pl.Series(~known), None
        )
    frame = pl.DataFrame(columns)
    date_columns = [c for c, t in SCHEMA.items() if t == pl.Date() and c in frame.columns]
    frame = frame.with_columns(
        *(
            pl.when(pl.col(c) > -(10**6)).then(pl.col(c)).cast(pl.Int32).cast(pl.Date).alias(c)
            for c in date_columns
        ),
        *(pl.col(c).replace("", None) for c in ("sex", "ms_course", "malignancy_history")),
        *(pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c) for c in ("relapse_count", "mri_count")),
        pl.col("edss", "edss_lowest_12m", "egfr").fill_nan(None),
        pl.Series("therapy_history_known", known),
    )
    return _with_exposure(frame, rng).select(list(SCHEMA))


def _with_exposure(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """`approved_therapy_days` and `approved_therapy_start_unknown` that fit the approved courses."""
    day = pl.col("planned_randomisation_date")
    ends = []
    for group in map(str, APPROVED_CLASSES):
        ends += [pl.col(f"{group}_last_date"), pl.when(pl.col(f"{group}_ongoing").fill_null(False)).then(day)]
    rows = frame.height
    spans = frame.select(
        distinct_count(ends).alias("distinct"),
        (pl.max_horizontal(ends) - pl.col("birth_date").fill_null(pl.date(1900, 1, 1)))
        .dt.total_days()
        .alias("room"),
    )
    present = spans["room"].is_not_null().to_numpy()
    start_unknown = present & (rng.random(rows) < 0.1)
    wanted = np.where(
        rng.random(rows) < 0.5,
        rng.choice(np.array([0, 182, 364, 365, 366]), rows),
        rng.integers(0, 4000, rows),
    )
    distinct = spans["distinct"].fill_null(0).to_numpy()
    room = spans["room"].fill_null(0).to_numpy() + 1
    days = np.where(start_unknown, np.minimum(wanted, room), np.clip(wanted + distinct, distinct, room))
    days = np.where(present, days, 0)
    known = frame["therapy_history_known"].to_numpy()
    return frame.with_columns(
        pl.Series("approved_therapy_days", days).set(pl.Series(~known), None),
        pl.Series("approved_therapy_start_unknown", start_unknown).set(pl.Series(~known), None),
    )
