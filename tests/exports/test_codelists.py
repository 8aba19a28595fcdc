from __future__ import annotations

from mesems.clinical.edss import EDSS_STEPS
from mesems.exports.codelists import code_list_index
from mesems.exports.tables import TABLES
from mesems.protocol import Protocol


def test_lists_follow_the_protocol(protocol: Protocol) -> None:
    lists = code_list_index(protocol)
    assert lists[("participants", "site_id")].values == tuple(s.id for s in protocol.sites)
    assert lists[("gel", "week")].values == ("0", "4", "12", "24", "28", "36", "48")
    assert lists[("infusions", "week")].values == ("0", "24")
    assert lists[("adverse_events", "grade")].values == ("1", "2", "3", "4", "5")
    assert lists[("screening", "protocol_version")].values == ("v1", "final")


def test_edss_steps_have_no_half_point() -> None:
    assert 0.5 not in EDSS_STEPS and EDSS_STEPS[:3] == (0.0, 1.0, 1.5) and EDSS_STEPS[-1] == 10.0


def test_every_list_names_a_real_column(protocol: Protocol) -> None:
    for (table, column) in code_list_index(protocol):
        assert column in TABLES[table].column_names
