"""Controlled terms the SDTM datasets use: the subset of the CDISC SDTM Controlled Terminology
(NCI EVS) that MESEMS data can take, with the codelist's name and whether it is extensible.

Only values mesems writes are listed; a value outside a non-extensible list is an error, and an
extensible list's sponsor extensions are marked. Test codes for the MS findings follow the QRS
supplements the MS user guide uses: EDSS v1.0 (2013-10-23) and Kurtzke Functional Systems Scores
v1.1 (2014-02-19) in the QS domain (both moved to RS only in their v2.0 drafts); the MRI lesion
tests in MO are sponsor-defined (the guide's Morphology assumptions, SDTMIG 3.2 MO).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Terms:
    name: str
    values: tuple[str, ...]
    extensible: bool
    decodes: tuple[str, ...] = ()
    sponsor_extensions: tuple[str, ...] = ()


def _t(name: str, values: list[str], *, extensible: bool, decodes: list[str] | None = None, extensions: list[str] | None = None) -> Terms:
    return Terms(name, tuple(values), extensible, tuple(decodes or ()), tuple(extensions or ()))


TERMS: dict[str, Terms] = {
    "SEX": _t("Sex", ["F", "M", "U", "UNDIFFERENTIATED"], extensible=False),
    "NY": _t("No Yes Response", ["N", "Y", "U", "NA"], extensible=False),
    "AGEU": _t("Age Unit", ["YEARS"], extensible=False),
    "TOXGR": _t("CTCAE Grade", ["1", "2", "3", "4", "5"], extensible=False),
    "OUT": _t(
        "Outcome of Event",
        ["RECOVERED/RESOLVED", "RECOVERING/RESOLVING", "NOT RECOVERED/NOT RESOLVED", "RECOVERED/RESOLVED WITH SEQUELAE", "FATAL", "UNKNOWN"],
        extensible=False,
    ),
    "AEREL": _t("Causality", ["RELATED", "NOT RELATED"], extensible=True),
    "NCOMPLT": _t("Completion/Reason for Non-Completion", ["COMPLETED", "WITHDRAWAL BY SUBJECT", "LOST TO FOLLOW-UP", "DEATH"], extensible=True),
    "PROTMLST": _t("Protocol Milestone", ["RANDOMIZED"], extensible=True),
    "DSCAT": _t("Category for Disposition Event", ["DISPOSITION EVENT", "PROTOCOL MILESTONE"], extensible=False),
    "ROUTE": _t("Route of Administration Response", ["INTRAVENOUS"], extensible=True),
    "FRM": _t("Pharmaceutical Dosage Form", ["SUSPENSION"], extensible=True),
    "STENRF": _t("Relation to Reference Period", ["ONGOING", "BEFORE"], extensible=False),
    "EPOCH": _t("Epoch", ["TREATMENT 1", "TREATMENT 2"], extensible=True, extensions=["TREATMENT 1", "TREATMENT 2"]),
    "COUNTRY": _t("ISO 3166-1 alpha-3 country code", [], extensible=True),
    "ARMCD": _t("Arm code", [], extensible=True),
    "VSTESTCD": _t(
        "Vital Signs Test Code",
        ["SYSBP", "DIABP", "PULSE", "TEMP", "WEIGHT"],
        extensible=True,
        decodes=["Systolic Blood Pressure", "Diastolic Blood Pressure", "Pulse Rate", "Temperature", "Weight"],
    ),
    "VSRESU": _t("Units for Vital Signs Results", ["mmHg", "beats/min", "C", "kg"], extensible=True),
    "LBTESTCD": _t(
        "Laboratory Test Code",
        ["WBC", "CREAT", "EGFR"],
        extensible=True,
        decodes=["Leukocytes", "Creatinine", "Glomerular Filtration Rate, Estimated"],
    ),
    "LBCAT": _t("Category for Lab Test", ["HEMATOLOGY", "CHEMISTRY"], extensible=True),
    "UNIT": _t("Unit", ["10^9/L", "umol/L", "mL/min/1.73m2", "mL", "10^6 cells/kg"], extensible=True),
    "QSCAT": _t("Category of Questionnaire", ["EDSS", "KFSS"], extensible=True),
    "QSTESTCD": _t(
        "Questionnaire Test Code (EDSS01TC, KFSS1TC)",
        ["EDSS0101", "KFSS101", "KFSS102", "KFSS103", "KFSS104", "KFSS105", "KFSS106", "KFSS107", "KFSS108"],
        extensible=False,
        decodes=[
            "EDSS01-Expanded Disability Score",
            "KFSS1-Pyramidal Functions",
            "KFSS1-Cerebellar Functions",
            "KFSS1-Brain Stem Functions",
            "KFSS1-Sensory Functions",
            "KFSS1-Bowel and Bladder Functions",
            "KFSS1-Visual or Optic Functions",
            "KFSS1-Cerebral or Mental Functions",
            "KFSS1-Other Functions",
        ],
    ),
    "MOTESTCD": _t(
        "Morphology Test Code",
        ["GDT1LES", "NET2LES", "T2LESVOL", "T1HYPLES"],
        extensible=True,
        decodes=[
            "Number of Gd-Enhancing T1 Lesions",
            "Number of New or Enlarging T2 Lesions",
            "Volume of T2 Lesions",
            "Number of T1 Hypointense Lesions",
        ],
        extensions=["GDT1LES", "NET2LES", "T2LESVOL", "T1HYPLES"],
    ),
    "LOC": _t("Anatomical Location", ["BRAIN"], extensible=True),
    "METHOD": _t("Method", ["MRI"], extensible=True),
    "FATESTCD": _t(
        "Findings About Test Code",
        ["CONFIRM"],
        extensible=True,
        decodes=["Confirmed by EDSS Change"],
        extensions=["CONFIRM"],
    ),
    "CETERM": _t("MS clinical events", ["MULTIPLE SCLEROSIS RELAPSE"], extensible=True),
    "MHCAT": _t("Category for Medical History", ["PRIMARY DIAGNOSIS", "GENERAL MEDICAL HISTORY"], extensible=True),
}


def decode(terms: str, code: str) -> str:
    """The test name of a test code (e.g. VSTESTCD SYSBP -> 'Systolic Blood Pressure')."""
    listed = TERMS[terms]
    return listed.decodes[listed.values.index(code)]
