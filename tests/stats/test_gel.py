from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.errors import AnalysisError
from mesems.stats import gel as gel_module
from mesems.stats.gel import analyse_gel, crossover_data, gel_design, primary_data, read_gel, validate_gel
from mesems.stats.glmm import GlmmFit
from tests.stats.conftest import DATA, R_RESULTS, relative
from tests.stats.simulated import GelScenario, simulate_gel_rows, write_gel_csv

HEADER = "participant_id,sequence,week,gel\n"
DESIGN = gel_design()
ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "gel.csv"
    path.write_text(header + body)
    return path


def _agree(result: dict[str, dict[str, float]], reference: dict[str, object], primary_tol: float,
           crossover_tol: float) -> None:
    for model, tol in (("primary", primary_tol), ("crossover", crossover_tol)):
        r = reference[model]
        treatment = r["coefficients"]["treatment"]
        mine = result[model]
        assert relative(mine["rate_ratio"], math.exp(treatment["estimate"])) < tol
        assert relative(mine["ci_low"], math.exp(treatment["ci_low"])) < tol
        assert relative(mine["ci_high"], math.exp(treatment["ci_high"])) < tol
        assert relative(mine["p_value"], treatment["p_value"]) < tol
        assert relative(mine["theta"], r["theta"]) < tol
    assert result["primary"]["n"] == reference["primary"]["n"]
    crossover = reference["crossover"]
    assert relative(result["crossover"]["random_intercept_sd"], crossover["random_intercept_sd"]) < crossover_tol
    assert result["crossover"]["n_participants"] == crossover["n_participants"]
    assert result["crossover"]["n_scans"] == result["crossover"]["n"] == crossover["n_scans"]


@pytest.mark.parametrize("name", ["gel_small", "gel_missed_scans", "gel_strong_effect", "gel_no_effect"])
def test_the_contract_json_matches_r(name: str) -> None:
    result = analyse_gel(DATA / f"{name}.csv").as_json()
    assert set(result) == {"primary", "crossover"}
    assert set(result["primary"]) == {"rate_ratio", "ci_low", "ci_high", "p_value", "theta", "n"}
    assert set(result["crossover"]) == set(result["primary"]) | {"random_intercept_sd", "n_participants", "n_scans"}
    _agree(result, R_RESULTS[name], 1e-4, 2e-3)


@pytest.mark.r
def test_a_fresh_data_set_matches_r_run_now(tmp_path: Path) -> None:
    rows = simulate_gel_rows(np.random.default_rng(424242),
                             GelScenario(participants=90, placebo_mean=1.1, rate_ratio=0.7, theta=0.9, missing=0.1))
    path = write_gel_csv(tmp_path / "gel_fresh.csv", rows)
    out = tmp_path / "r.json"
    subprocess.run(["Rscript", str(ROOT / "tests/stats/data/make_fixtures.R"), str(out), str(path)], check=True,
                   capture_output=True, timeout=300)
    reference = json.loads(out.read_text())["results"]["gel_fresh"]
    _agree(analyse_gel(path).as_json(), reference, 1e-4, 2e-3)


def test_primary_data_excludes_participants_without_baseline_or_period_1_scans(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,MSC-placebo,0,2\nA,MSC-placebo,4,1\nA,MSC-placebo,24,3\n"
                            "B,placebo-MSC,4,5\nB,placebo-MSC,12,1\n"
                            "C,placebo-MSC,0,0\nC,placebo-MSC,28,4\n"
                            "D,placebo-MSC,0,1\nD,placebo-MSC,12,2\n")
    design = gel_design()
    data = primary_data(read_gel(path, design), design)
    assert data.participant_id == ("A", "D")
    assert data.total.tolist() == [4, 2]
    assert data.scans.tolist() == [2, 1]
    assert data.baseline.tolist() == [2, 1]
    assert data.treatment.tolist() == [1, 0]
    assert data.excluded == 2


def test_crossover_treatment_is_msc_in_period_1_for_msc_placebo_and_period_2_for_placebo_msc(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,MSC-placebo,0,2\nA,MSC-placebo,4,1\nA,MSC-placebo,28,3\n"
                            "B,placebo-MSC,12,5\nB,placebo-MSC,48,1\n")
    data = crossover_data(read_gel(path, gel_design()))
    assert data.treatment.tolist() == [1, 0, 0, 1]
    assert data.period.tolist() == [1, 2, 1, 2]
    assert data.participant_id == ("A", "B")


@pytest.mark.parametrize("header, body, message", [
    ("participant_id,sequence,gel\n", "A,MSC-placebo,1\n", "missing column\\(s\\) week"),
    (HEADER, "A,MSC-placebo,0,1\nA,MSC-MSC,4,1\n", "line 3: unknown sequence 'MSC-MSC'"),
    (HEADER, "A,MSC-placebo,0,1\nA,MSC-placebo,4,-2\n", "line 3: gel is -2, expected a non-negative"),
    (HEADER, "A,MSC-placebo,0,1.5\n", "line 2: column gel is '1.5', expected an integer"),
    (HEADER, "A,MSC-placebo,0,many\n", "line 2: column gel is 'many', expected an integer"),
    (HEADER, "A,MSC-placebo,8,1\n", "line 2: week 8 is not an MRI week"),
    (HEADER, "A,MSC-placebo,0,1\nB,placebo-MSC,0,1\nA,placebo-MSC,4,1\n", "line 4: participant A is in sequence placebo-MSC"),
    (HEADER, "A,MSC-placebo,4,1\nA,MSC-placebo,4,2\n", "line 3: a second scan of participant A at week 4 \\(the first is at line 2\\)"),
    (HEADER, ",MSC-placebo,4,1\n", "line 2: participant_id is empty"),
    (HEADER, "", "has no scans"),
])
def test_bad_input_names_the_line_and_the_reason(tmp_path: Path, header: str, body: str, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        analyse_gel(_write(tmp_path, body, header))


@given(st.integers(-1000, 1000).filter(lambda w: w not in (0, 4, 12, 24, 28, 36, 48)))
def test_any_week_outside_the_mri_schedule_is_refused(week: int) -> None:
    frame = pl.DataFrame({"participant_id": ["A"], "sequence": ["MSC-placebo"], "week": [week], "gel": [1]})
    with pytest.raises(AnalysisError, match=f"week {week} is not an MRI week"):
        validate_gel(frame, DESIGN)


def test_a_single_sequence_cannot_be_analysed(tmp_path: Path) -> None:
    path = _write(tmp_path, "".join(f"P{i},MSC-placebo,{w},{(i + w) % 3}\n" for i in range(10) for w in (0, 4, 12)))
    with pytest.raises(AnalysisError, match="both sequences"):
        analyse_gel(path)


def test_a_missing_file_is_an_analysis_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="does not exist"):
        analyse_gel(tmp_path / "nope.csv")


def test_separation_is_refused_rather_than_reported_as_a_number(tmp_path: Path) -> None:
    """Every MSC-period count zero: R's glm.nb reports a rate ratio of e^-28 with SE 7e4; mesems refuses."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(40):
        sequence = "MSC-placebo" if i % 2 == 0 else "placebo-MSC"
        for week in (0, 4, 12, 24, 28, 36, 48):
            msc = (sequence == "MSC-placebo" and 0 < week <= 24) or (sequence == "placebo-MSC" and week > 24)
            rows.append((f"P{i}", sequence, week, 0 if msc else int(rng.negative_binomial(1, 0.4))))
    with pytest.raises(AnalysisError, match="did not converge: coefficient 'treatment' diverges"):
        analyse_gel(write_gel_csv(tmp_path / "gel.csv", rows))


def test_a_mixed_model_that_does_not_converge_is_an_analysis_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_converged(*args: object, **kwargs: object) -> GlmmFit:
        return GlmmFit((), 1.0, 1.0, 0.0, 1, 1, False, 3, ("the optimiser did not converge (largest gradient 2)",))

    monkeypatch.setattr(gel_module, "fit_nb_glmm", not_converged)
    with pytest.raises(AnalysisError, match="crossover mixed model did not converge \\(the optimiser"):
        analyse_gel(DATA / "gel_small.csv")
