"""Import of a ClinicalTrials.gov API v2 study record into a protocol.

The registry gives design facts, arms, outcomes and eligibility as prose. The import keeps
every criterion as a text criterion that a person answers, sub-items kept, and makes the one
thing the registry states as data computable: the age range.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pycountry

from mesems.errors import ProtocolError
from mesems.protocol.model import Criterion, CriterionKind, Protocol

_ALLOCATION = {"RANDOMIZED": "randomised", "NON_RANDOMIZED": "non_randomised", "NA": "na"}
_MODEL = {
    "PARALLEL": "parallel",
    "CROSSOVER": "crossover",
    "SINGLE_GROUP": "single_group",
    "FACTORIAL": "factorial",
    "SEQUENTIAL": "sequential",
}
_WHO_MASKED = {
    "PARTICIPANT": "participant",
    "CARE_PROVIDER": "care_provider",
    "INVESTIGATOR": "investigator",
    "OUTCOMES_ASSESSOR": "outcomes_assessor",
}
_INTERVENTION_KIND = {"DRUG": "drug", "BIOLOGICAL": "biological", "GENETIC": "biological", "DEVICE": "device", "PROCEDURE": "procedure"}
_WEEKS_PER_UNIT = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}
_DEFAULT_FOLLOW_UP_WEEKS = 52


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def registry_date(text: str | None) -> dt.date | None:
    """'2013-02' -> 2013-02-01; the registry gives months without days."""
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts[:3])


def age_in_years(text: str | None) -> int | None:
    """'18 Years' -> 18; '6 Months' -> 0: ages below a year cannot be stated in whole years."""
    if not text:
        return None
    match = re.match(r"\s*(\d+)\s*(year|month|week|day|hour|minute)", text, re.I)
    if not match:
        raise ProtocolError(f"eligibilityModule: cannot read the age {text!r}; expected e.g. '18 Years'")
    value, unit = int(match.group(1)), match.group(2).lower()
    return value if unit == "year" else value // {"month": 12, "week": 52, "day": 365}.get(unit, 10**9)


def weeks_in_time_frame(text: str) -> int | None:
    """The longest span named in an outcome's time frame ('up to 56 days' -> 8, '2 year' -> 104)."""
    spans = [
        float(n) * _WEEKS_PER_UNIT[unit.lower()]
        for n, unit in re.findall(r"(\d+(?:\.\d+)?)[\s-]*(day|week|month|year)s?", text, re.I)
    ]
    return round(max(spans)) if spans else None


_SECTION = re.compile(r"^\s*(inclusion|exclusion)\s+criteria\s*:?\s*$", re.I)
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[*\-\u2022]|\d+[.)]|[a-zA-Z][.)]|\([a-zA-Z0-9]+\))\s+(?P<text>.+)$")


def split_criteria(text: str) -> dict[CriterionKind, list[Criterion]]:
    """Splits registry criteria prose into numbered inclusion and exclusion items.

    Items are bullets or numbers; an item indented below another is its sub-item; a line
    that is no item continues the item before it.
    """
    found: dict[CriterionKind, list[Criterion]] = {CriterionKind.INCLUSION: [], CriterionKind.EXCLUSION: []}
    kind: CriterionKind | None = None
    stack: list[tuple[int, dict[str, Any]]] = []
    roots: dict[CriterionKind, list[dict[str, Any]]] = {CriterionKind.INCLUSION: [], CriterionKind.EXCLUSION: []}
    for raw in text.replace("\\", "").splitlines():
        if not raw.strip():
            continue
        section = _SECTION.match(raw)
        if section:
            kind = CriterionKind(section.group(1).lower())
            stack = []
            continue
        if kind is None:
            continue
        item = _ITEM.match(raw)
        if item is None:
            if stack:
                stack[-1][1]["text"] += " " + raw.strip()
            else:
                roots[kind].append({"text": raw.strip(), "items": []})
                stack = [(0, roots[kind][-1])]
            continue
        indent = len(item.group("indent").expandtabs(4))
        node: dict[str, Any] = {"text": item.group("text").strip(), "items": []}
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1]["items"] if stack else roots[kind]).append(node)
        stack.append((indent, node))

    def build(nodes: list[dict[str, Any]], prefix: str, kind: CriterionKind, depth: int) -> list[Criterion]:
        built = []
        for i, node in enumerate(nodes, start=1):
            ident = f"{prefix}{i}" if depth == 0 else f"{prefix}{chr(ord('a') + i - 1) if i <= 26 else i}"
            built.append(Criterion(id=ident, kind=kind, text=node["text"], items=build(node["items"], ident + ("." if depth else ""), kind, depth + 1)))
        return built

    found[CriterionKind.INCLUSION] = build(roots[CriterionKind.INCLUSION], "INC-", CriterionKind.INCLUSION, 0)
    found[CriterionKind.EXCLUSION] = build(roots[CriterionKind.EXCLUSION], "EXC-", CriterionKind.EXCLUSION, 0)
    return found


def _country_code(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        matches = pycountry.countries.search_fuzzy(name) if len(name) > 3 else []
        return str(matches[0].alpha_2) if matches else None


def protocol_from_ctgov(record: Any, source: str = "record") -> Protocol:
    """A protocol from a parsed API v2 study record; absent modules are fine."""
    if not isinstance(record, dict) or not isinstance(record.get("protocolSection"), dict):
        raise ProtocolError(f"{source} is not a ClinicalTrials.gov API v2 study record (no protocolSection)")
    section = record["protocolSection"]
    ident = section.get("identificationModule", {})
    status = section.get("statusModule", {})
    design = section.get("designModule", {})
    design_info = design.get("designInfo", {})
    masking = design_info.get("maskingInfo", {})
    arms_module = section.get("armsInterventionsModule", {})
    outcomes = section.get("outcomesModule", {})
    eligibility = section.get("eligibilityModule", {})
    locations = section.get("contactsLocationsModule", {}).get("locations", [])
    nct_id = ident.get("nctId")
    if not nct_id:
        raise ProtocolError(f"{source}: identificationModule.nctId is missing")

    taken: set[str] = set()
    interventions = []
    by_name: dict[str, str] = {}
    for item in arms_module.get("interventions", []):
        name = item.get("name", "").strip() or "unnamed intervention"
        kind = "placebo" if "placebo" in name.lower() else _INTERVENTION_KIND.get(item.get("type", ""), "other")
        iid = _slug(name, taken)
        by_name[f"{item.get('type', '')}:{name}".lower()] = iid
        by_name[name.lower()] = iid
        interventions.append({"id": iid, "name": name, "kind": kind, "description": item.get("description"), "active": kind != "placebo"})
    if not interventions:
        interventions.append({"id": "unspecified", "name": "Intervention not given in the record", "kind": "other"})

    arms = []
    arm_ids: set[str] = set()
    for group in arms_module.get("armGroups", []):
        used = []
        for label in group.get("interventionNames", []):
            kind_name, _, name = label.partition(":")
            key = f"{kind_name.strip().replace(' ', '_')}:{name.strip()}".lower()
            found = by_name.get(key) or by_name.get(name.strip().lower()) or by_name.get(label.strip().lower())
            if found:
                used.append(found)
        arms.append({"id": _slug(group.get("label", "arm"), arm_ids), "label": group.get("label", "arm"), "description": group.get("description"), "interventions": used})
    if not arms:
        arms.append({"id": "all", "label": "All participants", "interventions": [interventions[0]["id"]]})

    endpoints = []
    for kind, key, prefix in (("primary", "primaryOutcomes", "P"), ("secondary", "secondaryOutcomes", "S")):
        for n, outcome in enumerate(outcomes.get(key, []), start=1):
            endpoints.append(
                {"id": f"{prefix}{n}", "kind": kind, "title": outcome.get("measure") or f"{kind} outcome {n}", "description": outcome.get("description"), "time_frame": outcome.get("timeFrame")}
            )
    spans = [w for e in endpoints if e["time_frame"] for w in [weeks_in_time_frame(e["time_frame"])] if w]
    follow_up = max(spans) if spans else _DEFAULT_FOLLOW_UP_WEEKS
    follow_up = max(follow_up, 1)

    criteria = split_criteria(eligibility.get("eligibilityCriteria", ""))
    min_age, max_age = age_in_years(eligibility.get("minimumAge")), age_in_years(eligibility.get("maximumAge"))
    computable = []
    if min_age is not None or max_age is not None:
        computable.append(
            Criterion(id="AGE", kind=CriterionKind.INCLUSION, text=f"Age {eligibility.get('minimumAge', 'any')} to {eligibility.get('maximumAge', 'any')}", rule="age_range", params={"min_years": min_age, "max_years": max_age})
        )
    text_criteria = criteria[CriterionKind.INCLUSION] + criteria[CriterionKind.EXCLUSION]
    if not computable and not text_criteria:
        text_criteria = [Criterion(id="INC-1", kind=CriterionKind.INCLUSION, text="The record states no eligibility criteria")]
    effective = registry_date(status.get("startDateStruct", {}).get("date")) or registry_date(status.get("studyFirstSubmitDate")) or dt.date(1970, 1, 1)

    sites = []
    site_ids: set[str] = set()
    for place in locations:
        country = _country_code(place.get("country"))
        sites.append(
            {"id": _slug(f"{country or 'XX'}-{len(sites) + 1:02d}", site_ids).upper(), "name": place.get("facility") or place.get("city") or "site", "city": place.get("city"), "country": country}
        )

    masking_level = masking.get("masking", "NONE").lower()
    data = {
        "identity": {
            "id": nct_id,
            "title": ident.get("briefTitle") or nct_id,
            "official_title": ident.get("officialTitle"),
            "registry_ids": [nct_id],
            "sponsor": section.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {}).get("name"),
            "phases": [p for p in design.get("phases", []) if p != "NA"],
            "study_type": design.get("studyType", "INTERVENTIONAL").lower(),
            "start_date": registry_date(status.get("startDateStruct", {}).get("date")),
            "primary_completion_date": registry_date(status.get("primaryCompletionDateStruct", {}).get("date")),
            "completion_date": registry_date(status.get("completionDateStruct", {}).get("date")),
            "conditions": section.get("conditionsModule", {}).get("conditions", []),
            "brief_summary": section.get("descriptionModule", {}).get("briefSummary"),
        },
        "design": {
            "allocation": _ALLOCATION.get(design_info.get("allocation", "NA"), "na"),
            "intervention_model": _MODEL.get(design_info.get("interventionModel", ""), "other"),
            "masking": {"level": masking_level if masking_level in {"none", "single", "double", "triple", "quadruple"} else "none", "who_masked": [_WHO_MASKED[w] for w in masking.get("whoMasked", []) if w in _WHO_MASKED]},
            "primary_purpose": design_info.get("primaryPurpose", "OTHER").lower(),
            "allocation_ratio": [1] * len(arms),
            "planned_enrolment": design.get("enrollmentInfo", {}).get("count") or None,
        },
        "sites": sites,
        "interventions": interventions,
        "periods": [{"number": 1, "start_week": 0, "end_week": follow_up, "dosing_week": 0}],
        "arms": arms,
        "schedule": {
            "weeks_of_follow_up": follow_up,
            "visits": [{"id": "BASELINE", "name": "Baseline", "week": 0}, {"id": "END", "name": "End of study", "week": follow_up}],
        },
        "endpoints": endpoints,
        "randomisation": {"method": "permuted_blocks" if _ALLOCATION.get(design_info.get("allocation", "")) == "randomised" else "simple", "strata": [{"id": "site", "label": "Site"}] if len(sites) > 1 else []},
        "eligibility": [
            {
                "id": "registry",
                "label": f"{nct_id} registry record",
                "effective_from": effective,
                "source": "ClinicalTrials.gov",
                "min_age_years": min_age,
                "max_age_years": max_age,
                "sex": {"ALL": "all", "FEMALE": "female", "MALE": "male"}.get(eligibility.get("sex", "ALL"), "all"),
                "healthy_volunteers": bool(eligibility.get("healthyVolunteers", False)),
                "criteria": [c.model_dump() for c in computable + text_criteria],
            }
        ],
    }
    return Protocol.model_validate(data)


def import_ctgov(path: str | Path) -> Protocol:
    file = Path(path)
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProtocolError(f"{file} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"{file} is not a ClinicalTrials.gov API v2 study record: {exc}") from None
    return protocol_from_ctgov(record, str(file))
