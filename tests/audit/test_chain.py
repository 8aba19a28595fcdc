from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mesems.audit import GENESIS, record_digest, verify_chain


def _chain(records: list[dict]) -> list[tuple[int, str, str, dict]]:  # type: ignore[type-arg]
    rows, prev = [], GENESIS
    for seq, record in enumerate(records, start=1):
        digest = record_digest(prev, record)
        rows.append((seq, prev, digest, record))
        prev = digest
    return rows


records = st.lists(st.fixed_dictionaries({"action": st.sampled_from(["create", "update"]), "value": st.integers()}), min_size=3, max_size=12)


@given(records)
def test_intact_chain_verifies(rs: list[dict]) -> None:  # type: ignore[type-arg]
    assert verify_chain(_chain(rs)) == []


@given(records, st.data())
def test_changed_row_is_found(rs: list[dict], data: st.DataObject) -> None:  # type: ignore[type-arg]
    rows = _chain(rs)
    i = data.draw(st.integers(0, len(rows) - 1))
    seq, prev, digest, record = rows[i]
    rows[i] = (seq, prev, digest, {**record, "value": record["value"] + 1})
    assert [(p.seq, p.kind) for p in verify_chain(rows)] == [(seq, "changed")]


@given(records, st.data())
def test_deleted_row_is_found(rs: list[dict], data: st.DataObject) -> None:  # type: ignore[type-arg]
    rows = _chain(rs)
    i = data.draw(st.integers(0, len(rows) - 2))
    del rows[i]
    assert [p.kind for p in verify_chain(rows)] == ["deleted_or_inserted"]


@given(records, st.data())
def test_inserted_row_is_found(rs: list[dict], data: st.DataObject) -> None:  # type: ignore[type-arg]
    rows = _chain(rs)
    i = data.draw(st.integers(1, len(rows) - 1))
    forged = (rows[i][0], rows[i - 1][2], record_digest(rows[i - 1][2], {"action": "forged"}), {"action": "forged"})
    rows.insert(i, forged)
    assert "deleted_or_inserted" in [p.kind for p in verify_chain(rows)]
