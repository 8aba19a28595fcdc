"""The scenario of an in-silico trial: every assumption of the simulator, with defaults.

The defaults live in `default_scenario.yaml` beside this module, each with its source. A
scenario file names only what it changes: its top-level values replace the defaults, and its
sections (`gel`, `relapses`, ...) replace the keys they name. A key the model does not know is
an error that names it, so a misspelt assumption never passes silently.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mesems.errors import SimulationError

Course = Literal["RR", "SP", "PP"]
Share = Field(ge=0.0, le=1.0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Candidates(_Strict):
    age_mean: float
    age_sd: float = Field(gt=0)
    age_min: int = Field(ge=0)
    age_max: int = Field(ge=0)
    duration_mean_years: dict[Course, float]
    duration_shape: float = Field(gt=0)
    edss_mean: dict[Course, float]
    edss_sd: float = Field(gt=0)
    weight_kg: dict[Literal["F", "M"], tuple[float, float]]
    harvest_days: tuple[int, int]


class Screening(_Strict):
    failed_therapy_share: float = Share
    edss_increase_share: dict[Literal["SP", "PP"], float]
    csf_positive_share: float = Share
    exclusion_rates: dict[str, float]
    inactive_referred_share: float = Share
    unknown_share: float = Share
    consent_share: float = Share
    withdrawal_before_randomisation: float = Share


class Gel(_Strict):
    mean_per_scan: dict[Course, float]
    frailty_shape: float = Field(gt=0)
    scan_size: float = Field(gt=0)
    flare_sd: float = Field(ge=0)
    flare_weeks: float = Field(gt=0)
    qualifying_scan_weeks_before: int = Field(ge=1, le=52)
    qualifying_scans: int = Field(ge=1, le=12)
    rate_ratio: float = Field(gt=0)
    period_effect: float = Field(gt=0)
    carryover: float = Share


class Relapses(_Strict):
    annual_rate: dict[Course, float]
    rate_ratio: float = Field(gt=0)
    hospitalised_share: float = Share


class Edss(_Strict):
    progression_per_year: dict[Course, float]
    relapse_worsening: list[float] = Field(min_length=1)
    relapse_residual_share: float = Share
    recovery_weeks: float = Field(gt=0)
    rater_error: float = Share


class AdverseEventTerm(_Strict):
    term: str
    soc: str
    pt: str
    weight: float = Field(gt=0)
    grades: tuple[float, float, float, float, float]
    related: float = Share
    expected: bool


class AdverseEvents(_Strict):
    per_participant_year: float = Field(ge=0)
    msc_rate_ratio: float = Field(gt=0)
    infusion_reaction: dict[Literal["MSC", "PLACEBO"], float]
    serious_share_grade3: float = Share
    serious_share_low_grade: float = Share
    catalogue: list[AdverseEventTerm] = Field(min_length=1)


class Conduct(_Strict):
    dropout_per_year: float = Field(ge=0)
    lost_to_follow_up_share: float = Share
    missed_visit: float = Share
    missed_scan: float = Share
    out_of_window: float = Share
    jitter_days: int = Field(ge=0)


class Scenario(_Strict):
    """Every assumption of one simulated trial (see default_scenario.yaml for each one's meaning)."""

    participants: int = Field(ge=2)
    start_date: dt.date
    recruitment_months: int = Field(ge=1)
    data_cutoff: dt.date | None
    composition: Literal["exact", "random"]
    course_mix: dict[Course, float]
    female_share: float = Share
    site_weights: dict[str, float]
    other_site_weight: float = Field(ge=0)
    candidates: Candidates
    screening: Screening
    gel: Gel
    relapses: Relapses
    edss: Edss
    adverse_events: AdverseEvents
    conduct: Conduct

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if not any(v > 0 for v in self.course_mix.values()):
            raise ValueError("course_mix needs a positive weight for at least one course")
        if self.candidates.age_min > self.candidates.age_max:
            raise ValueError("candidates.age_min is above candidates.age_max")
        return self


SECTIONS = ("candidates", "screening", "gel", "relapses", "edss", "adverse_events", "conduct")


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SimulationError(f"scenario {source} is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SimulationError(f"scenario {source} must be a mapping of settings, got {type(data).__name__}")
    return data


def default_scenario_data() -> dict[str, Any]:
    text = resources.files("mesems.sim").joinpath("default_scenario.yaml").read_text(encoding="utf-8")
    return _read_yaml(text, "default_scenario.yaml")


def _merge(defaults: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in changes.items():
        if key in SECTIONS and isinstance(value, dict) and isinstance(defaults.get(key), dict):
            merged[key] = {**defaults[key], **value}
        else:
            merged[key] = value
    return merged


def _problem(item: Any) -> str:
    where = ".".join(str(part) for part in item["loc"])
    if item["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    return f"{where}: {item['msg'].removeprefix('Value error, ')}"


def build_scenario(changes: dict[str, Any] | None = None, source: str = "scenario") -> Scenario:
    """The default scenario with `changes` applied; a bad or unknown key raises SimulationError."""
    try:
        return Scenario.model_validate(_merge(default_scenario_data(), changes or {}))
    except ValidationError as exc:
        problems = "; ".join(_problem(item) for item in exc.errors())
        raise SimulationError(f"{source}: {problems}", field=".".join(map(str, exc.errors()[0]["loc"]))) from None


def load_scenario(path: Path | None = None) -> Scenario:
    """The scenario in `path` over the defaults; the defaults alone when `path` is None."""
    if path is None:
        return build_scenario()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SimulationError(f"cannot read scenario {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return build_scenario(_read_yaml(text, str(path)), str(path))
