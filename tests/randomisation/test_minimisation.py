from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mesems.randomisation import Assigned, minimise
from mesems.randomisation.minimisation import imbalance_scores

ARMS = ["A", "B"]


def test_scores_sum_the_range_over_factors() -> None:
    history = [Assigned({"site": "X", "ms_course": "RR"}, "A"), Assigned({"site": "X", "ms_course": "SP"}, "A"), Assigned({"site": "Y", "ms_course": "RR"}, "B")]
    # new participant at X with RR: site X counts A=2 B=0; course RR counts A=1 B=1
    assert imbalance_scores(history, {"site": "X", "ms_course": "RR"}, ARMS) == {"A": 3 + 1, "B": 1 + 1}


def test_follow_takes_the_minimising_arm_and_not_follow_the_other() -> None:
    history = [Assigned({"site": "X"}, "A")]
    assert minimise(history, {"site": "X"}, ARMS, follow=True, drawn="A") == "B"
    assert minimise(history, {"site": "X"}, ARMS, follow=False, drawn="B") == "A"


@given(drawn=st.sampled_from(ARMS), follow=st.booleans())
def test_ties_go_to_the_drawn_arm(drawn: str, follow: bool) -> None:
    assert minimise([], {"site": "X"}, ARMS, follow=follow, drawn=drawn) == drawn
