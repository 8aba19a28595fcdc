"""The dump of a database filled through the services: the table contract, exactly; blinded means
no allocation column; one query per table whatever the trial's size; gaps refused by name."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from mesems.access import Role
from mesems.errors import AccessDenied
from mesems.exports.tables import TABLES
from mesems.exports.tableset import InputProblems, record_keys
from mesems.protocol import load_protocol
from tests.web.datasets.trial import Clock, build_trial, enrol, participant_codes

pytestmark = pytest.mark.django_db
UNBLINDED_COLUMNS = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.unblinded}


def _dump(unblinded: bool) -> Any:
    from mesems.web.apps.datasets.tables import dump_tables

    return dump_tables(load_protocol(), role=Role.UNBLINDED_STATISTICIAN if unblinded else Role.DATA_MANAGER, unblinded=unblinded)


def test_unblinded_dump_is_the_contract_and_matches_what_was_entered(followed: Any) -> None:
    from mesems.web.apps.allocation.models import Allocation
    from mesems.web.apps.cellproduct.models import Bag
    from mesems.web.apps.visits.models import MriRead

    tables = _dump(unblinded=True)
    assert not tables.blinded
    assert set(tables.frames) == set(TABLES) - {"medical_history"}
    for name, frame in tables.frames.items():
        assert frame.columns == TABLES[name].column_names, name
        assert frame.height > 0, name
        assert frame.equals(frame.sort(list(TABLES[name].key))), f"{name} is in key order"
    participants = tables.frame("participants")
    allocated = dict(Allocation.objects.values_list("participant__code", "sequence"))
    assert dict(participants.select("participant_id", "sequence").iter_rows()) == allocated
    gel = tables.frame("gel")
    assert gel.height == MriRead.objects.filter(visit__week__in=[0, 4, 12, 24, 28, 36, 48]).count() == 6 * 7
    assert gel.join(participants, on="participant_id").filter(pl.col("sequence") != pl.col("sequence_right")).is_empty()
    infusions = tables.frame("infusions")
    contents = dict(Bag.objects.values_list("code", "content"))
    assert infusions.height == 12 and all(contents[code] == product for code, product in infusions.select("product_code", "product").iter_rows())
    assert set(infusions.filter(pl.col("product") == "PLACEBO")["cells_per_kg"]) == {0.0}
    assert infusions.group_by("participant_id").agg(pl.col("product").sort()).filter(pl.col("product") != ["MSC", "PLACEBO"]).is_empty()
    adverse = tables.frame("adverse_events")
    assert adverse.filter(pl.col("pt") == "Infusion related reaction")["infusion_reaction"].all()
    assert adverse.filter(pl.col("pt") == "Pneumonia")["serious"].all() and not adverse.filter(pl.col("pt") == "Pneumonia")["related"].any()
    assert set(tables.frame("disposition")["status"]) == {"completed"} and set(tables.frame("disposition")["last_visit_week"]) == {48}
    screening = tables.frame("screening")
    assert screening["screening_id"].to_list() == [f"SCR-SE-KAR-{i:04d}" for i in range(1, 9)]
    assert screening["participant_id"].to_list() == participants["participant_id"].to_list() + [None, None]
    assert screening.tail(2).select("eligible", "consented", "withdrawn_before_randomisation").rows() == [
        ("not_eligible", False, False), ("eligible", True, True)]
    assert screening["failed_criteria"].to_list()[-2] == "INC-2"
    assert participants["relapses_prior_12m"].to_list() == [2, 2, 2, 2, 0, 1], "the form's count, else the candidate record's"
    assert participants["sex"].null_count() == participants["age"].null_count() == 0


def test_audit_rows_point_at_rows_of_the_dump(followed: Any) -> None:
    tables = _dump(unblinded=False)
    audit = tables.frame("audit_trail")
    present = pl.concat([tables.frame(n).select(table_name=pl.lit(n), record_key=record_keys(TABLES[n]))
                         for n in tables.frames if n != "audit_trail"])
    assert audit.join(present, on=["table_name", "record_key"], how="anti").is_empty()
    assert set(audit["action"]) <= {"created", "updated", "deleted"} and {"created", "updated"} <= set(audit["action"])
    assert {"participants", "visits", "edss", "mri", "infusions", "adverse_events"} <= set(audit["table_name"])
    assert audit["changed_at"].str.ends_with("+00:00").all()


def test_blinded_dump_has_no_allocation_column_and_never_reads_one(followed: Any, django_assert_max_num_queries: Any) -> None:
    tables = _dump(unblinded=False)
    assert tables.blinded
    for name, frame in tables.frames.items():
        assert not {(name, c) for c in frame.columns} & UNBLINDED_COLUMNS, name
        assert frame.columns == TABLES[name].blinded_columns()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _dump(unblinded=False)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"sequence"' not in sql and '"content"' not in sql, "a blinded dump must not even read the arm"


def test_blinded_role_cannot_have_an_unblinded_dump(trial: Any) -> None:
    from mesems.web.apps.datasets.tables import dump_tables

    for role in (Role.DATA_MANAGER, None):
        with pytest.raises(AccessDenied):
            dump_tables(load_protocol(), role=role, unblinded=True)


def test_queries_do_not_grow_with_participants(trial: Any, clock: Clock) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mesems.web.apps.datasets.tables import dump

    users = build_trial(clock, 2, until_week=4)
    with CaptureQueriesContext(connection) as few:
        small = dump(load_protocol(), unblinded=True)
    enrol(clock, users, participant_codes(9)[3:], ["MSC-placebo"] * 6, 4)  # SE-KAR-0003 withdrew before randomisation
    with CaptureQueriesContext(connection) as more:
        large = dump(load_protocol(), unblinded=True)
    assert (small[1].frame.height, large[1].frame.height) == (2, 8)
    assert len(more) == len(few)


def test_a_gap_in_the_data_is_refused_naming_the_participants(trial: Any, clock: Clock) -> None:
    from mesems.web.apps.screening.models import Screening
    from mesems.web.apps.visits.models import Demographics, EdssAssessment

    build_trial(clock, 3, until_week=0)
    EdssAssessment.objects.filter(participant__code="SE-KAR-0002").delete()
    Demographics.objects.filter(participant__code__in=["SE-KAR-0001", "SE-KAR-0003"]).update(sex="")
    for screening in Screening.objects.filter(participant__code__in=["SE-KAR-0001", "SE-KAR-0003"]):
        Screening.objects.filter(pk=screening.pk).update(candidate={k: v for k, v in screening.candidate.items() if k != "sex"})
    with pytest.raises(InputProblems) as refused:
        _dump(unblinded=False)
    assert refused.value.problems == [
        "participants.sex: not recorded for SE-KAR-0001, SE-KAR-0003",
        "participants.baseline_edss: not recorded for SE-KAR-0002",
    ]


def test_participants_not_yet_randomised_are_in_the_screening_log_only(trial: Any, clock: Clock, make_participant: Any) -> None:
    from mesems.web.apps.trials.models import Participant

    build_trial(clock, 2, until_week=0)
    make_participant("SE-KAR-0100", "SE-KAR")
    failed = make_participant("SE-KAR-0101", "SE-KAR")
    Participant.objects.filter(pk=failed.pk).update(status="screen_failed")
    tables = _dump(unblinded=False)
    screening = tables.frame("screening").filter(pl.col("screening_id").is_in(["SE-KAR-0100", "SE-KAR-0101"]))
    assert screening.select("eligible", "consented", "participant_id").rows() == [("unknown", False, None), ("not_eligible", False, None)]
    assert tables.participant_count == 2
