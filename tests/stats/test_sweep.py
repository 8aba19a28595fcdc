from __future__ import annotations

import json
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster

from mesems.errors import SimulationError
from mesems.stats.sweep import SweepGrid, run_sweep, write_sweep


def test_grid_is_the_product_and_bad_values_are_named() -> None:
    assert len(SweepGrid(n=(50, 100), rate_ratio=(0.5, 0.7, 1.0), dropout=(0.0, 0.1)).designs()) == 12
    with pytest.raises(SimulationError) as caught:
        SweepGrid(theta=(0.5, -1.0)).designs()
    assert caught.value.field == "theta"


def test_sweep_on_dask_is_reproducible_and_written(tmp_path: Path) -> None:
    grid = SweepGrid(n=(40, 80), rate_ratio=(0.5, 1.0))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        seen = []
        first = run_sweep(grid, 200, 9, client, on_done=seen.append)
        again = run_sweep(grid, 200, 9, client)
    assert len(seen) == 4
    assert [r.power for r in first] == [r.power for r in again]
    assert [(r.design.n, r.design.rate_ratio) for r in first] == [(40, 0.5), (40, 1.0), (80, 0.5), (80, 1.0)]
    paths = write_sweep(first, tmp_path, {"sims": 200})
    assert paths["png"].stat().st_size > 1000
    assert paths["csv"].read_text().splitlines()[0].startswith("n,rate_ratio,placebo_mean,theta,dropout")
    assert len(json.loads(paths["json"].read_text())["results"]) == 4
