"""Hypothesis strategies for candidate records that crowd the criteria's boundaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from mesems.clinical.edss import EDSS_STEPS
from mesems.eligibility.record import FLAG_LABELS, MALIGNANCY_KINDS
from mesems.eligibility.synthetic import DRUG_NAMES, EDGE_DAYS

flags = st.one_of(st.none(), st.booleans())


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid candidate record with a planned randomisation date, as decoded JSON."""
    day = draw(st.dates(dt.date(2013, 2, 1), dt.date(2035, 12, 31)))
    if draw(st.booleans()) and (day.month, day.day) != (2, 29):
        years, shift = draw(st.sampled_from([18, 50, 51])), draw(st.sampled_from([-1, 0, 1]))
        birth = day.replace(year=day.year - years) + dt.timedelta(days=shift)
    else:
        birth = day - dt.timedelta(days=draw(st.integers(0, 60 * 366)))

    def back(limit: int = 1500) -> dt.date:
        days = draw(st.one_of(st.sampled_from(EDGE_DAYS), st.integers(0, limit)))
        return max(day - dt.timedelta(days=days), birth)

    def therapy() -> dict[str, Any]:
        stop = draw(
            st.one_of(
                st.none(), st.just(back(900)), st.just(day + dt.timedelta(days=draw(st.integers(0, 60))))
            )
        )
        end = min(stop, day) if stop else day
        start = draw(
            st.one_of(
                st.none(),
                st.just(
                    max(
                        end
                        - dt.timedelta(
                            days=draw(st.one_of(st.sampled_from([0, 364, 365]), st.integers(0, 4000)))
                        ),
                        birth,
                    )
                ),
            )
        )
        return {
            "drug": draw(st.sampled_from(DRUG_NAMES)),
            "start": start and start.isoformat(),
            "stop": stop and stop.isoformat(),
        }

    onset = back(20 * 366)
    maybe = lambda strategy: draw(st.one_of(st.none(), strategy))
    return {
        "id": draw(st.text("ABC-0123", min_size=1, max_size=6)),
        "planned_randomisation_date": day.isoformat(),
        "birth_date": maybe(st.just(birth.isoformat())),
        "sex": maybe(st.sampled_from(["F", "M"])),
        "ms_course": maybe(st.sampled_from(["RR", "SP", "PP"])),
        "ms_onset_date": maybe(st.just(onset.isoformat())),
        "edss": maybe(st.sampled_from(EDSS_STEPS)),
        "edss_history": maybe(
            st.lists(
                st.builds(lambda v: {"date": back(500).isoformat(), "value": v}, st.sampled_from(EDSS_STEPS)),
                max_size=3,
            )
        ),
        "relapses": maybe(st.lists(st.builds(lambda: back(900).isoformat()), max_size=4)),
        "mri": maybe(
            st.lists(
                st.builds(lambda g: {"date": back(500).isoformat(), "gel": g}, st.sampled_from([0, 0, 1, 4])),
                max_size=4,
            )
        ),
        "csf_oligoclonal_bands": draw(flags),
        "therapies": maybe(st.lists(st.builds(therapy), max_size=4)),
        **{name: draw(flags) for name in FLAG_LABELS},
        "malignancy_history": maybe(st.sampled_from(MALIGNANCY_KINDS)),
        "pregnant": draw(flags),
        "uses_contraception": draw(flags),
        "egfr": maybe(st.sampled_from([0.0, 59.9, 60.0, 60.1, 95.5])),
        "can_have_mri": draw(flags),
        "consent": draw(flags),
    }
