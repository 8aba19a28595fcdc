"""Exports of a 10,000-participant trial: time per 1,000 participants, against naive baselines
run in the same process.

    python benchmarks/export.py [--participants 10000] [--seed 1]

Fast paths (mesems.exports) and the baselines they are compared with:
- flat: `write_flat` (CSV + Parquet + dictionary + manifest) vs the `csv` module writing the
  same CSV files row by row from Python tuples;
- ODM: `write_odm` (string building in polars) vs xml.etree.ElementTree building the same
  ClinicalData element by element and writing it (no metadata, no schema check in the baseline);
  the schema check of the mesems file is timed on its own;
- SDTM: building the findings datasets (VS, LB, QS, MO: the bulk of the records) vectorised vs a
  row-by-row Python loop making one dict per record; the whole SDTM export (XPT via pyreadstat
  and define.xml) is timed on its own;
- ODM import: `read_odm` (schema, metadata and contract checks) timed on its own.
The trial tables come from the export tests' generator until `mesems simulate` lands.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mesems.exports.flat import write_flat  # noqa: E402
from mesems.exports.odm.layout import NS, VISIT_DATE, clinical_tables, events, form_oid, group_oid, item_oid  # noqa: E402
from mesems.exports.odm.reader import read_odm  # noqa: E402
from mesems.exports.odm.writer import write_odm  # noqa: E402
from mesems.exports.schemas import ODM_XSD, schema_problems  # noqa: E402
from mesems.exports.sdtm.build import BUILDERS, finalise  # noqa: E402
from mesems.exports.sdtm.context import build_context  # noqa: E402
from mesems.exports.sdtm.findings import DISABILITY, LABS, MRI, VITALS, Test  # noqa: E402
from mesems.exports.sdtm.specs import DOMAINS  # noqa: E402
from mesems.exports.sdtm.writer import write_sdtm  # noqa: E402
from mesems.exports.tables import TABLES  # noqa: E402
from mesems.exports.tableset import TrialTables, table_names  # noqa: E402
from mesems.protocol import Protocol, load_protocol  # noqa: E402
from tests.exports.trialgen import generate_tables  # noqa: E402


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def baseline_csv(tables: TrialTables, out: Path) -> None:
    out.mkdir()
    for name in table_names(tables):
        frame = tables.frame(name)
        with (out / f"{name}.csv").open("w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(frame.columns)
            for row in frame.iter_rows():
                writer.writerow([_text(v) for v in row])


def baseline_odm(tables: TrialTables, protocol: Protocol, out: Path) -> None:
    """The ClinicalData of `write_odm`, one ElementTree element at a time."""
    layout = events(protocol)
    scheduled = {e.oid.removeprefix("SE."): e.oid for e in layout if e.kind == "Scheduled"}
    by_week = {(t, e.week): e.oid for e in layout if e.kind == "Scheduled" for t in e.forms}
    root = ET.Element(f"{{{NS}}}ODM", FileType="Snapshot", FileOID="BASELINE", CreationDateTime="2021-11-20T12:00:00", ODMVersion="1.3.2")
    clinical = ET.SubElement(root, f"{{{NS}}}ClinicalData", StudyOID="ST.MESEMS", MetaDataVersionOID="MDV")
    subjects: dict[str, ET.Element] = {}
    events_of: dict[tuple[str, str, str | None], ET.Element] = {}
    forms_of: dict[tuple[str, str, str | None, str], ET.Element] = {}
    for table in clinical_tables():
        frame = tables.frame(table)
        key_columns = TABLES[table].key
        for row in frame.iter_rows(named=True):
            subject = row["participant_id"]
            if subject not in subjects:
                subjects[subject] = ET.SubElement(clinical, f"{{{NS}}}SubjectData", SubjectKey=subject)
            if table not in VISIT_DATE:
                event, repeat = "SE.TRIAL", None
            else:
                event = scheduled.get(row["visit_id"]) if table == "visits" else by_week.get((table, row["week"]))
                repeat = None if event else next(_text(row[c]) for c in VISIT_DATE[table] if row[c] is not None)
                event = event or "SE.UNSCHEDULED"
            if (subject, event, repeat) not in events_of:
                attributes = {"StudyEventOID": event, **({"StudyEventRepeatKey": repeat} if repeat else {})}
                events_of[(subject, event, repeat)] = ET.SubElement(subjects[subject], f"{{{NS}}}StudyEventData", attributes)
            if (subject, event, repeat, table) not in forms_of:
                forms_of[(subject, event, repeat, table)] = ET.SubElement(events_of[(subject, event, repeat)], f"{{{NS}}}FormData", FormOID=form_oid(table))
            group = ET.SubElement(
                forms_of[(subject, event, repeat, table)],
                f"{{{NS}}}ItemGroupData",
                ItemGroupOID=group_oid(table),
                ItemGroupRepeatKey="|".join(_text(row[k]) for k in key_columns),
            )
            for column, value in row.items():
                if value is not None:
                    ET.SubElement(group, f"{{{NS}}}ItemData", ItemOID=item_oid(table, column), Value=_text(value))
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def baseline_findings(tables: TrialTables, protocol: Protocol) -> int:
    """VS, LB, QS and MO records made one dict at a time (what a row-by-row mapping program does)."""
    context = build_context(tables, protocol)
    usubjid = dict(context.subjects.select("participant_id", "USUBJID").iter_rows())
    start = dict(context.subjects.select("participant_id", "_rfst").iter_rows())
    plan: list[tuple[str, str, tuple[Test, ...], str]] = [
        ("vital_signs", "assessment_date", VITALS, "VS"),
        ("labs", "sample_date", LABS, "LB"),
        ("edss", "assessment_date", DISABILITY, "QS"),
        ("mri", "scan_date", MRI, "MO"),
    ]
    count = 0
    for table, date_column, tests, domain in plan:
        records = []
        for row in tables.frame(table).iter_rows(named=True):
            day = (row[date_column] - start[row["participant_id"]]).days
            for test in tests:
                value = row.get(test.column)
                if value is None:
                    continue
                text = str(int(value)) if test.decimals in (None, 0) else f"{value:.{test.decimals}f}"
                records.append({
                    "USUBJID": usubjid[row["participant_id"]],
                    f"{domain}TESTCD": test.code,
                    f"{domain}ORRES": text,
                    f"{domain}STRESC": text,
                    f"{domain}STRESN": float(value),
                    f"{domain}ORRESU": test.unit,
                    f"{domain}DTC": row[date_column].isoformat(),
                    f"{domain}DY": day + 1 if day >= 0 else day,
                })
        count += pl.DataFrame(records).height
    return count


def fast_findings(tables: TrialTables, protocol: Protocol) -> int:
    context = build_context(tables, protocol)
    codes = ("VS", "LB", "QS", "MO")
    return sum(finalise(DOMAINS[c], BUILDERS[c](context), context.study_id).height for c in codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    protocol = load_protocol()
    per_1000 = 1000 / args.participants
    started = time.perf_counter()
    tables = generate_tables(protocol, args.participants, args.seed)
    rows = sum(f.height for f in tables.frames.values())
    print(f"trial: {args.participants} participants, {rows:,} table rows (generated in {time.perf_counter() - started:.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="mesems-export-bench-"))
    results: list[tuple[str, float, float | None]] = []
    try:
        fast = timed(lambda: write_flat(tables, work / "flat", protocol))
        slow = timed(lambda: baseline_csv(tables, work / "flat-baseline"))
        results.append(("flat CSV+Parquet (vs csv module, CSV only)", fast, slow))
        odm = work / "trial.xml"
        fast = timed(lambda: write_odm(tables, odm, protocol, validate=False))
        size = odm.stat().st_size
        slow = timed(lambda: baseline_odm(tables, protocol, work / "baseline.xml"))
        results.append(("ODM 1.3.2 write (vs ElementTree)", fast, slow))
        results.append(("ODM schema check (lxml, shipped XSD)", timed(lambda: schema_problems(odm, ODM_XSD)), None))
        fast_count: list[int] = []
        slow_count: list[int] = []
        fast = timed(lambda: fast_count.append(fast_findings(tables, protocol)))
        slow = timed(lambda: slow_count.append(baseline_findings(tables, protocol)))
        results.append(("SDTM findings VS/LB/QS/MO (vs row-by-row dicts)", fast, slow))
        results.append(("SDTM export: XPT (pyreadstat) + define.xml", timed(lambda: write_sdtm(tables, work / "sdtm", protocol)), None))
        results.append(("ODM import with all checks", timed(lambda: read_odm(odm, protocol)), None))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"ODM file: {size / 1e6:.0f} MB; findings records: {fast_count[0]:,} (baseline {slow_count[0]:,})")
    print(f"{'step':52} {'s per 1,000':>12} {'baseline':>10} {'ratio':>7}")
    for name, fast_s, slow_s in results:
        baseline = f"{slow_s * per_1000:10.2f}" if slow_s is not None else f"{'-':>10}"
        ratio = f"{slow_s / fast_s:6.1f}x" if slow_s is not None else f"{'-':>7}"
        print(f"{name:52} {fast_s * per_1000:12.2f} {baseline} {ratio}")


if __name__ == "__main__":
    main()
