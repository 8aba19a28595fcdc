"""Reading, checking and writing protocol files.

`protocol_problems` reports every problem at once, each with its path in the file
(`arms[1].interventions[0]: ...`), so an author fixes a file in one pass.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mesems.errors import ProtocolError
from mesems.protocol.model import Criterion, Protocol

DEFAULT_PROTOCOL_RESOURCE = "mesems.yaml"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def format_path(loc: tuple[int | str, ...]) -> str:
    """('arms', 1, 'interventions', 0) -> 'arms[1].interventions[0]'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def default_protocol_text() -> str:
    return resources.files("mesems.protocol").joinpath(DEFAULT_PROTOCOL_RESOURCE).read_text(encoding="utf-8")


def _read_mapping(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProtocolError(f"{source} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"{source} must hold a mapping of protocol sections, got {type(data).__name__}")
    return data


def _pydantic_problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (not part of the protocol format)"
        problems.append(Problem(format_path(loc), message))
    return problems


def _walk_criteria(criteria: list[Criterion], prefix: str) -> list[tuple[str, Criterion]]:
    found = []
    for i, criterion in enumerate(criteria):
        path = f"{prefix}[{i}]"
        found.append((path, criterion))
        found.extend(_walk_criteria(criterion.items, f"{path}.items"))
    return found


def _duplicates(values: list[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


def semantic_problems(protocol: Protocol) -> list[Problem]:
    """Rules across sections that a single field cannot check."""
    from mesems.eligibility.rules import KNOWN_RULES

    problems: list[Problem] = []
    for section, ids in (
        ("sites", [s.id for s in protocol.sites]),
        ("interventions", [i.id for i in protocol.interventions]),
        ("arms", [a.id for a in protocol.arms]),
        ("schedule.visits", [v.id for v in protocol.schedule.visits]),
        ("eligibility", [v.id for v in protocol.eligibility]),
        ("endpoints", [e.id for e in protocol.endpoints]),
    ):
        for dup in sorted(_duplicates(ids)):
            index = ids.index(dup, ids.index(dup) + 1)
            problems.append(Problem(f"{section}[{index}].id", f"duplicate id {dup!r}"))

    intervention_ids = {i.id for i in protocol.interventions}
    for a, arm in enumerate(protocol.arms):
        crossover = protocol.design.intervention_model == "crossover"
        if crossover and len(arm.interventions) != len(protocol.periods):
            problems.append(
                Problem(
                    f"arms[{a}].interventions",
                    f"{len(arm.interventions)} interventions for {len(protocol.periods)} periods; expected one per period",
                )
            )
        for i, intervention_id in enumerate(arm.interventions):
            if intervention_id not in intervention_ids:
                known = ", ".join(sorted(intervention_ids))
                problems.append(
                    Problem(f"arms[{a}].interventions[{i}]", f"unknown intervention {intervention_id!r}; expected one of [{known}]")
                )
    if len(protocol.design.allocation_ratio) != len(protocol.arms):
        problems.append(
            Problem(
                "design.allocation_ratio",
                f"{len(protocol.design.allocation_ratio)} ratio parts for {len(protocol.arms)} arms",
            )
        )

    for p, period in enumerate(protocol.periods):
        if period.number != p + 1:
            problems.append(Problem(f"periods[{p}].number", f"periods must be numbered 1, 2, ... in order; got {period.number}"))
        if p and period.start_week < protocol.periods[p - 1].end_week:
            problems.append(Problem(f"periods[{p}].start_week", "overlaps the previous period"))

    assessment_ids = {a.id for a in protocol.schedule.assessments}
    weeks = [v.week for v in protocol.schedule.visits]
    if weeks != sorted(weeks):
        problems.append(Problem("schedule.visits", "visits must be listed in order of week"))
    for v, visit in enumerate(protocol.schedule.visits):
        if visit.week > protocol.schedule.weeks_of_follow_up:
            problems.append(
                Problem(f"schedule.visits[{v}].week", f"week {visit.week} is after the end of follow-up (week {protocol.schedule.weeks_of_follow_up})")
            )
        for a, assessment in enumerate(visit.assessments):
            if assessment_ids and assessment not in assessment_ids:
                problems.append(Problem(f"schedule.visits[{v}].assessments[{a}]", f"unknown assessment {assessment!r}"))

    for f, factor in enumerate(protocol.randomisation.strata):
        if factor.id not in {"site", "ms_course"} and not factor.values:
            problems.append(Problem(f"randomisation.strata[{f}].values", "a stratum other than site needs its values"))

    for e, version in enumerate(protocol.eligibility):
        if version.min_age_years is not None and version.max_age_years is not None and version.min_age_years > version.max_age_years:
            problems.append(Problem(f"eligibility[{e}].min_age_years", "is above max_age_years"))
        criteria = _walk_criteria(version.criteria, f"eligibility[{e}].criteria")
        for dup in sorted(_duplicates([c.id for _, c in criteria])):
            problems.append(Problem(f"eligibility[{e}].criteria", f"duplicate criterion id {dup!r}"))
        for path, criterion in criteria:
            if criterion.rule is None:
                continue
            spec = KNOWN_RULES.get(criterion.rule)
            if spec is None:
                known = ", ".join(sorted(KNOWN_RULES))
                problems.append(Problem(f"{path}.rule", f"unknown rule {criterion.rule!r}; expected one of [{known}]"))
                continue
            problems.extend(Problem(f"{path}.params.{name}", message) for name, message in spec.check_params(criterion.params))
    return problems


def protocol_problems(text: str, source: str = "protocol") -> list[Problem]:
    """Every problem in a protocol file's text; an empty list means it is valid."""
    try:
        data = _read_mapping(text, source)
    except ProtocolError as exc:
        return [Problem("", exc.message)]
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as exc:
        return _pydantic_problems(exc)
    return semantic_problems(protocol)


def parse_protocol(text: str, source: str = "protocol") -> Protocol:
    problems = protocol_problems(text, source)
    if problems:
        listed = "; ".join(str(p) for p in problems)
        raise ProtocolError(f"{source} has {len(problems)} problem(s): {listed}")
    return Protocol.model_validate(_read_mapping(text, source))


def load_protocol(path: str | Path | None = None) -> Protocol:
    """The protocol in `path`, or the embedded MESEMS protocol when no path is given."""
    if path is None:
        return parse_protocol(default_protocol_text(), "the embedded mesems.yaml")
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProtocolError(f"protocol file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"protocol file {file} cannot be read: {exc}") from None
    return parse_protocol(text, str(file))


def dump_protocol(protocol: Protocol) -> str:
    data = protocol.model_dump(mode="json", exclude_defaults=True)
    data = {"format": protocol.format, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def protocol_digest(protocol: Protocol) -> str:
    """SHA-256 of the canonical dump: reports record it so a result names the protocol it used."""
    return hashlib.sha256(dump_protocol(protocol).encode()).hexdigest()
