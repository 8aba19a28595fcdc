"""Shared fixtures of the stats tests: the R reference results and the GEL data sets they came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.stats.trial_tables import TrialScenario, write_trial_tables

DATA = Path(__file__).parent / "data"
R_RESULTS: dict[str, Any] = json.loads((DATA / "r_results.json").read_text())["results"]
DATASETS = sorted(R_RESULTS)


def relative(actual: float, expected: float) -> float:
    return abs(actual - expected) / abs(expected)


def assert_coefficients_match(fit: Any, reference: dict[str, dict[str, float]], names: dict[str, str],
                              tolerance: float) -> None:
    """Every Wald quantity of every coefficient within a relative `tolerance` of R's."""
    for r_name, expected in reference.items():
        coefficient = fit.coefficient(names[r_name])
        for field in ("estimate", "se", "z", "p_value", "ci_low", "ci_high"):
            assert relative(getattr(coefficient, field), expected[field]) < tolerance, (r_name, field)


@pytest.fixture(scope="session")
def trial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated trial in the flat-table format."""
    return write_trial_tables(tmp_path_factory.mktemp("trial"), np.random.default_rng(7), TrialScenario(participants=120))


MINI = {
    "participants": """participant_id,site_id,randomisation_number,randomisation_date,sequence,ms_course,sex,age,disease_duration_years,baseline_edss,baseline_gel,relapses_prior_12m,weight_kg
A,SE-KAR,R-1,2020-01-01,MSC-placebo,RR,F,30,5.0,3.0,2,1,70
B,SE-KAR,R-2,2020-01-01,MSC-placebo,SP,M,40,8.0,6.0,0,0,80
C,IT-01,R-3,2020-01-01,placebo-MSC,RR,F,50,3.0,4.0,1,2,
D,IT-01,R-4,2020-01-01,placebo-MSC,PP,F,20,2.0,2.0,,1,60
""",
    "gel": """participant_id,sequence,week,gel
A,MSC-placebo,0,2
A,MSC-placebo,4,1
B,MSC-placebo,0,0
C,placebo-MSC,0,1
C,placebo-MSC,4,3
""",
    "disposition": """participant_id,status,last_visit_week,end_date,reason
A,completed,48,2020-12-02,
B,withdrawn,12,2020-03-25,adverse event
C,completed,48,2020-12-02,
D,lost_to_follow_up,30,,
""",
    "relapses": """participant_id,onset_date,period,confirmed
A,2020-02-01,1,true
A,2020-08-01,2,true
C,2020-03-01,1,false
""",
    "infusions": """participant_id,week,period,infusion_date,product_code,product,cells_per_kg
A,0,1,2020-01-01,X1,MSC,1.5e6
A,24,2,2020-06-17,X2,PLACEBO,0
B,0,1,2020-01-01,X3,MSC,1.5e6
C,0,1,2020-01-01,X4,PLACEBO,0
C,24,2,2020-06-17,X5,MSC,1.5e6
D,0,1,2020-01-01,X6,PLACEBO,0
D,24,2,2020-06-17,X7,MSC,1.5e6
""",
    "adverse_events": """participant_id,ae_id,term,soc,pt,grade,serious,related,expected,infusion_reaction,start_date,stop_date,period,outcome
A,AE1,headache,Nervous system disorders,Headache,1,false,false,true,false,2020-01-02,,1,recovered
A,AE2,headache,Nervous system disorders,Headache,3,false,true,true,false,2020-01-10,,1,recovered
B,AE3,fever,General disorders,Pyrexia,4,true,true,false,true,2020-01-01,,1,recovered
C,AE4,headache,Nervous system disorders,Headache,2,false,false,true,false,2020-07-01,,2,recovered
D,AE5,death,General disorders,Death,5,true,false,false,false,2020-07-20,,2,fatal
""",
    "edss": """participant_id,week,assessment_date,edss
A,0,2020-01-01,3.0
A,12,2020-03-25,4.0
A,24,2020-06-17,4.0
C,0,2020-01-01,4.0
C,12,2020-03-25,4.0
""",
}


@pytest.fixture()
def mini_trial(tmp_path: Path) -> Path:
    """Four participants (A, B on MSC-placebo; C, D on placebo-MSC) whose results are checked by hand."""
    for name, text in MINI.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return tmp_path
