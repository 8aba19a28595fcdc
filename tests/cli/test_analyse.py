from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import numpy as np

from tests.conftest import REPO
from tests.stats.trial_tables import TrialScenario, write_trial_tables

DATA = REPO / "tests" / "stats" / "data"
Cli = Callable[..., CompletedProcess[str]]


def test_analyse_gel_writes_the_contract_json(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = cli("analyse", "gel", "--input", str(DATA / "gel_small.csv"), "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert list(data) == ["primary", "crossover"]
    assert list(data["primary"]) == ["rate_ratio", "ci_low", "ci_high", "p_value", "theta", "n"]
    assert list(data["crossover"]) == ["rate_ratio", "ci_low", "ci_high", "p_value", "theta", "n",
                                       "random_intercept_sd", "n_participants", "n_scans"]
    assert "GEL rate ratio" in result.stdout


def test_bad_input_is_one_line_on_stderr_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "gel.csv"
    path.write_text("participant_id,sequence,week,gel\nA,MSC-placebo,0,1\nA,MSC-placebo,5,1\n")
    result = cli("analyse", "gel", "--input", str(path), "--json", str(tmp_path / "o.json"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "line 3: week 5 is not an MRI week" in result.stderr
    assert "Traceback" not in result.stderr


def test_analyse_all_writes_both_reports(cli: Cli, tmp_path: Path) -> None:
    trial = write_trial_tables(tmp_path / "trial", np.random.default_rng(4), TrialScenario(participants=60))
    result = cli("analyse", "all", "--input", str(trial), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.returncode == 0, result.stderr
    for variant in ("blinded", "unblinded"):
        assert (tmp_path / "out" / variant / "report.html").exists()
        assert (tmp_path / "out" / variant / "results.json").exists()
    assert "data snapshot" in result.stdout


def test_analyse_all_refuses_an_unblinded_report_from_blinded_data(cli: Cli, tmp_path: Path) -> None:
    trial = write_trial_tables(tmp_path / "trial", np.random.default_rng(4), TrialScenario(participants=30))
    gel = (trial / "gel.csv").read_text().splitlines()
    (trial / "gel.csv").write_text("\n".join(",".join(r.split(",")[i] for i in (0, 2, 3)) for r in gel) + "\n")
    participants = (trial / "participants.csv").read_text().splitlines()
    keep = [i for i, c in enumerate(participants[0].split(",")) if c != "sequence"]
    (trial / "participants.csv").write_text(
        "\n".join(",".join(r.split(",")[i] for i in keep) for r in participants) + "\n")
    result = cli("analyse", "all", "--input", str(trial), "--out", str(tmp_path / "out"), "--variant", "unblinded")
    assert result.returncode == 2
    assert "only a blinded report" in result.stderr
    result = cli("analyse", "all", "--input", str(trial), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "out" / "unblinded").exists()
