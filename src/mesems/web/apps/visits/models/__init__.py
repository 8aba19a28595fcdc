"""Models of the visits app: the schedule, the case report forms, and data queries."""

from mesems.web.apps.visits.models.base import CrfRecord, YesNoUnknown
from mesems.web.apps.visits.models.queries import Query, QueryMessage
from mesems.web.apps.visits.models.records import (
    ConMed,
    Consent,
    ConsentFormVersion,
    Demographics,
    EdssAssessment,
    EndOfStudy,
    Infusion,
    Labs,
    MriRead,
    MSHistory,
    ProtocolDeviation,
    Relapse,
    VitalSigns,
    Weight,
)
from mesems.web.apps.visits.models.schedule import ParticipantSchedule, Visit, VisitSignature

__all__ = [
    "ConMed",
    "Consent",
    "ConsentFormVersion",
    "CrfRecord",
    "Demographics",
    "EdssAssessment",
    "EndOfStudy",
    "Infusion",
    "Labs",
    "MSHistory",
    "MriRead",
    "ParticipantSchedule",
    "ProtocolDeviation",
    "Query",
    "QueryMessage",
    "Relapse",
    "Visit",
    "VisitSignature",
    "VitalSigns",
    "Weight",
    "YesNoUnknown",
]
