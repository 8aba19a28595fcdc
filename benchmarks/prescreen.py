"""Registry pre-screening: 1,000,000 generated extract rows through `mesems prescreen` (vectorised,
polars) against the per-record engine on a sample of the same rows, scaled to all of them.

Run: .venv/bin/python benchmarks/prescreen.py [--rows N] [--sample K]

The fast path is `run_prescreen` end to end (read the Parquet extract, check every row,
evaluate every criterion, write verdicts, funnel CSV and figure). The baseline is
`screen_candidate` on the record each sampled row describes (`extract.candidate_from_row`),
built beforehand so that only the engine is timed; the time with building and validating the
records is printed beside it.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np

from mesems.eligibility import screen_candidate
from mesems.eligibility.extract import candidate_from_row
from mesems.eligibility.report import run_prescreen
from mesems.eligibility.synthetic import random_extract
from mesems.protocol import load_protocol


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20260115)
    args = parser.parse_args()
    protocol = load_protocol()
    rng = np.random.default_rng(args.seed)

    began = time.perf_counter()
    frame = random_extract(rng, args.rows)
    print(f"generated {args.rows:,} extract rows in {time.perf_counter() - began:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm_up = folder / "warm-up.parquet"
        frame.head(1000).write_parquet(warm_up)
        run_prescreen(
            warm_up, folder / "warm-up", protocol
        )  # imports, thread pools, font cache: once per process
        timings = {}
        for suffix in (".parquet", ".csv"):
            extract = folder / f"registry{suffix}"
            frame.write_parquet(extract) if suffix == ".parquet" else frame.write_csv(extract)
            steps: list[tuple[str, float]] = []
            began = time.perf_counter()
            report = run_prescreen(
                extract,
                folder / f"out{suffix}",
                protocol,
                start=lambda step, total, steps=steps: steps.append((step, time.perf_counter())),
            )
            timings[suffix] = time.perf_counter() - began
            marks = [*steps, ("end", began + timings[suffix])]
            split = ", ".join(
                f"{name} {later - at:.2f}" for (name, at), (_, later) in itertools.pairwise(marks)
            )
            print(f"prescreen {suffix[1:]:<8}: {timings[suffix]:6.2f} s for {report.rows:,} rows ({split} s)")

    sample = frame.sample(args.sample, seed=args.seed)
    began = time.perf_counter()
    records = [candidate_from_row(row) for row in sample.iter_rows(named=True)]
    building = time.perf_counter() - began
    began = time.perf_counter()
    for record in records:
        screen_candidate(record, protocol)
    engine = time.perf_counter() - began
    per_record = engine / args.sample
    scaled = per_record * args.rows
    print(
        f"per-record engine: {per_record * 1e6:6.1f} us a record on {args.sample:,} sampled rows -> {scaled:6.1f} s for {args.rows:,} rows"
    )
    print(
        f"  (with building and validating each record: {(engine + building) / args.sample * args.rows:6.1f} s)"
    )
    fast = timings[".parquet"]
    print(f"ratio per-record / prescreen (parquet): {scaled / fast:5.1f}x   target >= 20x, prescreen < 10 s")
    print(f"ratio per-record / prescreen (csv):     {scaled / timings['.csv']:5.1f}x")


if __name__ == "__main__":
    main()
