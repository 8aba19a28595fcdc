"""Benchmark: `mesems analyse gel` on a 10,000-participant trial against R's MASS::glm.nb and
glmmTMB on the same file in the same run, and `mesems analyse all` on that trial (target < 30 s).

    .venv/bin/python benchmarks/analysis.py [--participants 10000] [--seed 1] [--data DIR]

Without --data it writes a simulated trial (tests/stats/trial_tables.py) to a temporary directory;
with --data it reads a directory of trial tables, e.g. from `mesems simulate`. R runs
tests/stats/data/make_fixtures.R through Rscript; the script prints wall times (process start to
end, both sides), model-fitting times (measured inside each program) and the ratios, and how far
mesems' numbers are from R's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from mesems.stats.gel import analyse_gel
from tests.stats.trial_tables import TrialScenario, write_trial_tables

TARGET_ALL_SECONDS = 30.0


def run(command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def relative(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


def agreement(mine: dict[str, dict[str, float]], r: dict[str, dict[str, object]]) -> dict[str, float]:
    """Largest relative difference from R per model over rate ratio, CI, p, theta (and SD)."""
    out = {}
    for model in ("primary", "crossover"):
        treatment = r[model]["coefficients"]["treatment"]  # type: ignore[index]
        pairs = [(mine[model]["rate_ratio"], math.exp(treatment["estimate"])),
                 (mine[model]["ci_low"], math.exp(treatment["ci_low"])),
                 (mine[model]["ci_high"], math.exp(treatment["ci_high"])),
                 (mine[model]["p_value"], treatment["p_value"]), (mine[model]["theta"], r[model]["theta"])]
        if model == "crossover":
            pairs.append((mine[model]["random_intercept_sd"], r[model]["random_intercept_sd"]))
        out[model] = max(relative(a, float(b)) for a, b in pairs)  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None, help="a directory of trial tables instead of simulating")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mesems-bench-"))
    try:
        data = args.data or write_trial_tables(work / "trial", np.random.default_rng(args.seed),
                                               TrialScenario(participants=args.participants))
        gel = data / "gel.csv"
        print(f"data: {data} ({sum(1 for _ in gel.open()) - 1} GEL scans)")

        start = time.perf_counter()
        result = analyse_gel(gel)
        fit_seconds = time.perf_counter() - start
        mine = result.as_json()
        cli_seconds = run([sys.executable, "-m", "mesems", "analyse", "gel", "--input", str(gel),
                           "--json", str(work / "mesems.json")])
        print(f"mesems analyse gel: {cli_seconds:7.2f} s wall (CLI), {fit_seconds:7.2f} s read + fit in process")

        if shutil.which("Rscript"):
            r_json = work / "r.json"
            r_seconds = run(["Rscript", str(ROOT / "tests/stats/data/make_fixtures.R"), str(r_json), str(gel)])
            r_out = json.loads(r_json.read_text())
            r_result = r_out["results"]["gel"]
            r_fit = sum(r_out["timings"]["gel"].values())
            print(f"R glm.nb + glmmTMB : {r_seconds:7.2f} s wall (Rscript), {r_fit:7.2f} s model fits in R "
                  f"(glm.nb {r_out['timings']['gel']['glm_nb_seconds']:.2f} s, glmmTMB "
                  f"{r_out['timings']['gel']['glmmtmb_seconds']:.2f} s)")
            print(f"ratio R / mesems   : {r_seconds / cli_seconds:7.2f}x wall, {r_fit / fit_seconds:7.2f}x fit "
                  f"(mesems' in-process time includes reading and validating the CSV)")
            worst = agreement(mine, r_result)
            print(f"agreement with R   : primary max relative difference {worst['primary']:.1e} (contract 1e-4), "
                  f"crossover {worst['crossover']:.1e} (contract 2e-3)")
        else:
            print("Rscript not found: R comparison skipped (apt-get install r-base-core r-cran-mass r-cran-glmmtmb)")

        all_seconds = run([sys.executable, "-m", "mesems", "analyse", "all", "--input", str(data),
                           "--out", str(work / "reports")])
        print(f"mesems analyse all : {all_seconds:7.2f} s wall for {args.participants if not args.data else 'the'} "
              f"participants, blinded + unblinded, HTML + PDF (target {TARGET_ALL_SECONDS:.0f} s: "
              f"{all_seconds / TARGET_ALL_SECONDS:.2f} of it)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
