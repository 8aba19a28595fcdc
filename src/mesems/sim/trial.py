"""A whole simulated trial as the flat tables of `mesems.exports.tables`, and their CSV files."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mesems.errors import SimulationError
from mesems.exports.tables import TABLES
from mesems.protocol import Protocol, load_protocol
from mesems.randomisation.codes import CODE_ALPHABET, CODE_LENGTH
from mesems.sim.follow_up import Row, follow_up
from mesems.sim.population import Candidate, Enrolment, enrol
from mesems.sim.scenario import Scenario, build_scenario


@dataclass(frozen=True)
class SimulatedTrial:
    """Rows of every table of the flat contract, the scenario that made them, and the enrolment
    (the simulator's hidden truth about each candidate, e.g. their frailty)."""

    tables: dict[str, list[Row]]
    scenario: Scenario
    enrolment: Enrolment

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])


def _screening_row(candidate: Candidate, participant_id: str | None) -> Row:
    return {"screening_id": candidate.screening_id, "site_id": candidate.site_id, "screened_date": candidate.screened_date,
            "protocol_version": candidate.protocol_version, "eligible": candidate.eligible,
            "failed_criteria": ";".join(candidate.failed_criteria) or None, "consented": candidate.consented,
            "withdrawn_before_randomisation": candidate.withdrawn_before_randomisation, "participant_id": participant_id}


def simulate_trial(
    scenario: Scenario | None = None,
    rng: np.random.Generator | None = None,
    protocol: Protocol | None = None,
    participants: int | None = None,
) -> SimulatedTrial:
    """Screen, randomise and follow a whole trial. `participants` overrides the scenario's count."""
    scenario = scenario or build_scenario()
    if participants is not None:
        if participants < 2:
            raise SimulationError(f"participants must be at least 2, got {participants}", field="participants")
        scenario = scenario.model_copy(update={"participants": participants})
    rng = rng if rng is not None else np.random.default_rng()
    protocol = protocol or load_protocol()
    enrolment = enrol(scenario, protocol, rng)
    cutoff = scenario.data_cutoff
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    randomised_by = {p.candidate.index: p.participant_id for p in enrolment.participants
                     if cutoff is None or p.randomisation_date <= cutoff}
    for candidate in enrolment.candidates:
        if cutoff is None or candidate.screened_date <= cutoff:
            tables["screening"].append(_screening_row(candidate, randomised_by.get(candidate.index)))
    for participant in enrolment.participants:
        if participant.candidate.index not in randomised_by:
            continue
        record = follow_up(participant, protocol, scenario, cutoff, rng)
        for table, rows in record.rows.items():
            tables[table].extend(rows)
    _label_products(tables["infusions"], rng)
    for number, row in enumerate(sorted(tables["deviations"], key=lambda r: (r["found_date"], r["participant_id"])), 1):
        row["deviation_id"] = f"DEV-{number:04d}"
    tables["deviations"].sort(key=lambda r: r["deviation_id"])
    return SimulatedTrial(tables=tables, scenario=scenario, enrolment=enrolment)


def _label_products(infusions: list[Row], rng: np.random.Generator) -> None:
    """A blinded product code per bag, unique in the trial, in the shape of mesems.randomisation's
    codes (P- and four characters that cannot be misread), drawn from `rng` to stay reproducible."""
    used: set[str] = set()
    for row in infusions:
        code = ""
        while not code or code in used:
            code = "P-" + "".join(CODE_ALPHABET[i] for i in rng.integers(len(CODE_ALPHABET), size=CODE_LENGTH))
        used.add(code)
        row["product_code"] = code


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 10))
    return str(value)


def write_tables(trial: SimulatedTrial, out: Path) -> dict[str, Path]:
    """One CSV per table of the flat contract, with exactly its columns in its order."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimulationError(f"cannot create output folder {out}: {exc.strerror}", field="out") from None
    paths = {}
    for name, spec in TABLES.items():
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(spec.column_names)
            for row in trial.rows(name):
                writer.writerow([_cell(row.get(column)) for column in spec.column_names])
        paths[name] = path
    return paths
