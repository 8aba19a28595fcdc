"""The protocol as data: model, the embedded MESEMS protocol, validation and ClinicalTrials.gov import."""

from mesems.protocol.loading import (
    Problem,
    default_protocol_text,
    dump_protocol,
    load_protocol,
    parse_protocol,
    protocol_digest,
    protocol_problems,
)
from mesems.protocol.model import (
    Arm,
    Criterion,
    CriterionKind,
    EligibilityVersion,
    Intervention,
    Protocol,
    Site,
    Visit,
)

__all__ = [
    "Arm",
    "Criterion",
    "CriterionKind",
    "EligibilityVersion",
    "Intervention",
    "Problem",
    "Protocol",
    "Site",
    "Visit",
    "default_protocol_text",
    "dump_protocol",
    "load_protocol",
    "parse_protocol",
    "protocol_digest",
    "protocol_problems",
]
