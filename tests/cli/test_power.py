from __future__ import annotations

import json
from pathlib import Path

import pytest
from dask.distributed import LocalCluster


def test_power_writes_the_contract_json_and_repeats_itself(cli, tmp_path: Path) -> None:
    args = ["power", "--sims", "300", "--n", "144", "--rate-ratio", "0.6", "--placebo-mean", "1", "--theta", "0.5", "--seed", "5"]
    first = cli(*args, "--json", str(tmp_path / "a.json"))
    second = cli(*args, "--json", str(tmp_path / "b.json"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    a, b = (json.loads((tmp_path / name).read_text()) for name in ("a.json", "b.json"))
    assert set(a) == {"power", "sims", "seconds"} and a["sims"] == 300
    assert a["power"] == b["power"] and 0.0 < a["power"] < 1.0


@pytest.mark.parametrize("args", [
    ["--rate-ratio", "0"], ["--rate-ratio", "-2"], ["--theta", "0"], ["--theta", "-1"],
    ["--n", "143"], ["--n", "2"], ["--sims", "0"], ["--placebo-mean", "0"],
])
def test_bad_power_input_is_one_line_and_exit_2(cli, args: list[str]) -> None:
    result = cli("power", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_samplesize_finds_an_even_n(cli, tmp_path: Path) -> None:
    result = cli("samplesize", "--power", "0.8", "--rate-ratio", "0.5", "--placebo-mean", "1", "--theta", "0.5",
                    "--sims", "400", "--json", str(tmp_path / "n.json"))
    assert result.returncode == 0, result.stderr
    answer = json.loads((tmp_path / "n.json").read_text())
    assert answer["n"] % 2 == 0 and answer["power"] >= 0.8
    assert cli("samplesize", "--power", "1.5").returncode == 2


def test_sweep_on_a_given_scheduler_writes_curves(cli, tmp_path: Path) -> None:
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = cli("power", "sweep", "--n", "40,80", "--rate-ratio", "0.5,1", "--sims", "100",
                        "--scheduler", cluster.scheduler_address, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} == {"power_sweep.csv", "power_sweep.json", "power_curves.png"}
    assert len(json.loads((tmp_path / "power_sweep.json").read_text())["results"]) == 4


def test_sweep_bad_grid_is_refused(cli, tmp_path: Path) -> None:
    result = cli("power", "sweep", "--theta", "0.5,-1", "--out", str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert cli("power", "sweep", "--n", "40,abc").returncode == 2
