"""Three-valued logic of the verdicts (Kleene)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mesems.eligibility.verdicts import Outcome, Verdict, all_of, any_of, combine, verdict_of

verdict_lists = st.lists(st.sampled_from(list(Verdict)), max_size=5)


@given(verdict_lists)
def test_all_of_is_met_only_when_every_part_is_and_fails_when_one_fails(parts: list[Verdict]) -> None:
    result = all_of(parts)
    if Verdict.NOT_MET in parts:
        assert result is Verdict.NOT_MET
    elif Verdict.UNKNOWN in parts:
        assert result is Verdict.UNKNOWN
    else:
        assert result is Verdict.MET


@given(verdict_lists)
def test_any_of_is_met_when_one_part_is_and_fails_only_when_all_fail(parts: list[Verdict]) -> None:
    result = any_of(parts)
    if Verdict.MET in parts:
        assert result is Verdict.MET
    elif Verdict.UNKNOWN in parts:
        assert result is Verdict.UNKNOWN
    else:
        assert result is Verdict.NOT_MET


def test_missing_data_never_makes_a_whole_met() -> None:
    unknown = Outcome.unknown("EDSS not given", "edss")
    met = Outcome(Verdict.MET, "fine")
    assert combine([met, unknown]).verdict is Verdict.UNKNOWN
    assert combine([met, unknown]).missing == ("edss",)
    assert combine([Outcome(Verdict.NOT_MET, "no"), unknown]).missing == ()
    assert combine([met, unknown], any_part=True).verdict is Verdict.MET


def test_verdict_of_a_yes_no_answer() -> None:
    assert [verdict_of(v) for v in (True, False, None)] == [Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN]
