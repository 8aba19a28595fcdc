"""The SDTM datasets mesems writes, variable by variable (SDTMIG 3.2 domain models).

Where the Multiple Sclerosis user guide (TAUG-MS v1.0, CDISC/CFAST with MSOAC, 2015) lays data
out, these follow it:
- MS diagnosis and disease course in MH with MHCAT = "PRIMARY DIAGNOSIS" (TAUG-MS section
  "Medical History and Disease Course");
- relapses as clinical events in CE, their characteristics (here: confirmed by an EDSS change)
  as findings about the relapse in FA (TAUG-MS section "Relapse");
- EDSS and the Kurtzke functional systems in QS, one record per item, as the QRS supplements
  EDSS v1.0 and KFSS v1.1 that the guide's "Functional Tests and Questionnaires" section uses;
- MRI lesion counts and T2 volume in MO (Morphology), the findings domain the guide gives
  additional assumptions for, with MOLOC = BRAIN and MOMETHOD = MRI.
"""

from __future__ import annotations

from mesems.exports.sdtm.model import Domain, exp, identifiers, perm, req, visit_timing

_SUBJECT = identifiers

DM = Domain(
    "DM",
    "Demographics",
    "Special-Purpose",
    "One record per subject",
    ("STUDYID", "USUBJID"),
    (
        req("STUDYID", "Study Identifier", "Identifier", origin="Assigned"),
        req("DOMAIN", "Domain Abbreviation", "Identifier", origin="Assigned"),
        req("USUBJID", "Unique Subject Identifier", "Identifier", origin="Derived"),
        req("SUBJID", "Subject Identifier for the Study", "Topic"),
        exp("RFSTDTC", "Subject Reference Start Date/Time", "Record Qualifier", origin="Derived"),
        exp("RFENDTC", "Subject Reference End Date/Time", "Record Qualifier", origin="Derived"),
        exp("RFXSTDTC", "Date/Time of First Study Treatment", "Record Qualifier", origin="Derived"),
        exp("RFXENDTC", "Date/Time of Last Study Treatment", "Record Qualifier", origin="Derived"),
        exp("RFICDTC", "Date/Time of Informed Consent", "Record Qualifier"),
        exp("RFPENDTC", "Date/Time of End of Participation", "Record Qualifier", origin="Derived"),
        exp("DTHDTC", "Date/Time of Death", "Record Qualifier", origin="Derived"),
        exp("DTHFL", "Subject Death Flag", "Record Qualifier", terms="NY", origin="Derived"),
        req("SITEID", "Study Site Identifier", "Record Qualifier"),
        exp("AGE", "Age", "Record Qualifier", num=True),
        exp("AGEU", "Age Units", "Variable Qualifier", terms="AGEU", origin="Assigned"),
        req("SEX", "Sex", "Record Qualifier", terms="SEX"),
        exp("RACE", "Race", "Record Qualifier"),
        req("ARMCD", "Planned Arm Code", "Record Qualifier", terms="ARMCD", origin="Assigned"),
        req("ARM", "Description of Planned Arm", "Synonym Qualifier", origin="Assigned"),
        req("ACTARMCD", "Actual Arm Code", "Record Qualifier", terms="ARMCD", origin="Derived"),
        req("ACTARM", "Description of Actual Arm", "Synonym Qualifier", origin="Derived"),
        req("COUNTRY", "Country", "Record Qualifier", terms="COUNTRY", origin="Derived"),
    ),
)

AE = Domain(
    "AE",
    "Adverse Events",
    "Events",
    "One record per adverse event per subject",
    ("STUDYID", "USUBJID", "AEDECOD", "AESTDTC"),
    (
        *_SUBJECT("AE"),
        perm("AESPID", "Sponsor-Defined Identifier", "Identifier"),
        req("AETERM", "Reported Term for the Adverse Event", "Topic"),
        req("AEDECOD", "Dictionary-Derived Term", "Synonym Qualifier", origin="Assigned"),
        perm("AECAT", "Category for Adverse Event", "Grouping Qualifier", origin="Derived"),
        exp("AEBODSYS", "Body System or Organ Class", "Record Qualifier", origin="Assigned"),
        exp("AESER", "Serious Event", "Record Qualifier", terms="NY"),
        exp("AEACN", "Action Taken with Study Treatment", "Record Qualifier"),
        exp("AEREL", "Causality", "Record Qualifier", terms="AEREL"),
        perm("AEOUT", "Outcome of Adverse Event", "Record Qualifier", terms="OUT"),
        perm("AETOXGR", "Standard Toxicity Grade", "Record Qualifier", terms="TOXGR"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp("AESTDTC", "Start Date/Time of Adverse Event", "Timing"),
        exp("AEENDTC", "End Date/Time of Adverse Event", "Timing"),
        perm("AESTDY", "Study Day of Start of Adverse Event", "Timing", num=True, origin="Derived"),
        perm("AEENDY", "Study Day of End of Adverse Event", "Timing", num=True, origin="Derived"),
    ),
)

CE = Domain(
    "CE",
    "Clinical Events",
    "Events",
    "One record per event per subject",
    ("STUDYID", "USUBJID", "CETERM", "CESTDTC"),
    (
        *_SUBJECT("CE"),
        perm("CELNKID", "Link ID", "Identifier", origin="Derived"),
        req("CETERM", "Reported Term for the Clinical Event", "Topic", terms="CETERM"),
        perm("CEDECOD", "Dictionary-Derived Term", "Synonym Qualifier", origin="Assigned"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp("CESTDTC", "Start Date/Time of Clinical Event", "Timing"),
        perm("CESTDY", "Study Day of Start of Event", "Timing", num=True, origin="Derived"),
    ),
)

DS = Domain(
    "DS",
    "Disposition",
    "Events",
    "One record per disposition status or protocol milestone per subject",
    ("STUDYID", "USUBJID", "DSDECOD", "DSSTDTC"),
    (
        *_SUBJECT("DS"),
        req("DSTERM", "Reported Term for the Disposition Event", "Topic"),
        req("DSDECOD", "Standardized Disposition Term", "Synonym Qualifier", origin="Assigned"),
        exp("DSCAT", "Category for Disposition Event", "Grouping Qualifier", terms="DSCAT", origin="Assigned"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp("DSSTDTC", "Start Date/Time of Disposition Event", "Timing"),
        perm("DSSTDY", "Study Day of Start of Disposition Event", "Timing", num=True, origin="Derived"),
    ),
)

MH = Domain(
    "MH",
    "Medical History",
    "Events",
    "One record per medical history event per subject",
    ("STUDYID", "USUBJID", "MHCAT", "MHTERM"),
    (
        *_SUBJECT("MH"),
        perm("MHSPID", "Sponsor-Defined Identifier", "Identifier"),
        req("MHTERM", "Reported Term for the Medical History", "Topic"),
        perm("MHDECOD", "Dictionary-Derived Term", "Synonym Qualifier", origin="Assigned"),
        perm("MHCAT", "Category for Medical History", "Grouping Qualifier", terms="MHCAT", origin="Assigned"),
        perm("MHSTDTC", "Start Date/Time of Medical History Event", "Timing"),
        perm("MHENRTPT", "End Relative to Reference Time Point", "Timing", terms="STENRF"),
        perm("MHENTPT", "End Reference Time Point", "Timing", origin="Derived"),
    ),
)

EX = Domain(
    "EX",
    "Exposure",
    "Interventions",
    "One record per constant dosing interval per subject",
    ("STUDYID", "USUBJID", "EXTRT", "EXSTDTC"),
    (
        *_SUBJECT("EX"),
        req("EXTRT", "Name of Actual Treatment", "Topic"),
        exp("EXDOSE", "Dose per Administration", "Record Qualifier", num=True),
        exp("EXDOSU", "Dose Units", "Variable Qualifier", terms="UNIT"),
        exp("EXDOSFRM", "Dose Form", "Variable Qualifier", terms="FRM", origin="Assigned"),
        perm("EXROUTE", "Route of Administration", "Variable Qualifier", terms="ROUTE", origin="Assigned"),
        perm("EXLOT", "Lot Number", "Record Qualifier"),
        perm("VISITNUM", "Visit Number", "Timing", num=True, origin="Derived"),
        perm("VISIT", "Visit Name", "Timing", origin="Derived"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp("EXSTDTC", "Start Date/Time of Treatment", "Timing"),
        perm("EXENDTC", "End Date/Time of Treatment", "Timing"),
        perm("EXSTDY", "Study Day of Start of Treatment", "Timing", num=True, origin="Derived"),
    ),
)

CM = Domain(
    "CM",
    "Concomitant Medications",
    "Interventions",
    "One record per recorded medication occurrence or constant-dosing interval per subject",
    ("STUDYID", "USUBJID", "CMTRT", "CMSTDTC"),
    (
        *_SUBJECT("CM"),
        perm("CMSPID", "Sponsor-Defined Identifier", "Identifier"),
        req("CMTRT", "Reported Name of Drug, Med, or Therapy", "Topic"),
        perm("CMCLAS", "Medication Class", "Variable Qualifier"),
        perm("CMINDC", "Indication", "Record Qualifier"),
        perm("CMSTDTC", "Start Date/Time of Medication", "Timing"),
        perm("CMENDTC", "End Date/Time of Medication", "Timing"),
        perm("CMENRTPT", "End Relative to Reference Time Point", "Timing", terms="STENRF"),
        perm("CMENTPT", "End Reference Time Point", "Timing", origin="Derived"),
    ),
)

SV = Domain(
    "SV",
    "Subject Visits",
    "Special-Purpose",
    "One record per subject per actual visit",
    ("STUDYID", "USUBJID", "VISITNUM"),
    (
        req("STUDYID", "Study Identifier", "Identifier", origin="Assigned"),
        req("DOMAIN", "Domain Abbreviation", "Identifier", origin="Assigned"),
        req("USUBJID", "Unique Subject Identifier", "Identifier", origin="Derived"),
        req("VISITNUM", "Visit Number", "Topic", num=True, origin="Derived"),
        perm("VISIT", "Visit Name", "Synonym Qualifier", origin="Derived"),
        perm("VISITDY", "Planned Study Day of Visit", "Timing", num=True, origin="Protocol"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp("SVSTDTC", "Start Date/Time of Visit", "Timing"),
        exp("SVENDTC", "End Date/Time of Visit", "Timing"),
        perm("SVSTDY", "Study Day of Start of Visit", "Timing", num=True, origin="Derived"),
        perm("SVUPDES", "Description of Unplanned Visit", "Record Qualifier", origin="Derived"),
    ),
)


def _findings(code: str, label: str, structure: str, keys: tuple[str, ...], middle: tuple, date_label: str, day_label: str) -> Domain:
    return Domain(code, label, "Findings", structure, keys, (*_SUBJECT(code), *middle, *visit_timing(code, date_label, day_label)))


VS = _findings(
    "VS",
    "Vital Signs",
    "One record per vital sign measurement per visit per subject",
    ("STUDYID", "USUBJID", "VSTESTCD", "VISITNUM"),
    (
        req("VSTESTCD", "Vital Signs Test Short Name", "Topic", terms="VSTESTCD"),
        req("VSTEST", "Vital Signs Test Name", "Synonym Qualifier"),
        exp("VSORRES", "Result or Finding in Original Units", "Result Qualifier"),
        exp("VSORRESU", "Original Units", "Variable Qualifier", terms="VSRESU"),
        exp("VSSTRESC", "Character Result/Finding in Std Format", "Result Qualifier", origin="Derived"),
        exp("VSSTRESN", "Numeric Result/Finding in Standard Units", "Result Qualifier", num=True, origin="Derived"),
        exp("VSSTRESU", "Standard Units", "Variable Qualifier", terms="VSRESU", origin="Derived"),
        exp("VSBLFL", "Baseline Flag", "Record Qualifier", terms="NY", origin="Derived"),
    ),
    "Date/Time of Measurements",
    "Study Day of Vital Signs",
)

LB = _findings(
    "LB",
    "Laboratory Test Results",
    "One record per lab test per time point per visit per subject",
    ("STUDYID", "USUBJID", "LBTESTCD", "VISITNUM"),
    (
        req("LBTESTCD", "Lab Test or Examination Short Name", "Topic", terms="LBTESTCD"),
        req("LBTEST", "Lab Test or Examination Name", "Synonym Qualifier"),
        exp("LBCAT", "Category for Lab Test", "Grouping Qualifier", terms="LBCAT", origin="Assigned"),
        exp("LBORRES", "Result or Finding in Original Units", "Result Qualifier"),
        exp("LBORRESU", "Original Units", "Variable Qualifier", terms="UNIT"),
        exp("LBSTRESC", "Character Result/Finding in Std Format", "Result Qualifier", origin="Derived"),
        exp("LBSTRESN", "Numeric Result/Finding in Standard Units", "Result Qualifier", num=True, origin="Derived"),
        exp("LBSTRESU", "Standard Units", "Variable Qualifier", terms="UNIT", origin="Derived"),
        exp("LBBLFL", "Baseline Flag", "Record Qualifier", terms="NY", origin="Derived"),
    ),
    "Date/Time of Specimen Collection",
    "Study Day of Specimen Collection",
)

QS = _findings(
    "QS",
    "Questionnaires",
    "One record per questionnaire per question per time point per visit per subject",
    ("STUDYID", "USUBJID", "QSCAT", "QSTESTCD", "VISITNUM"),
    (
        req("QSTESTCD", "Question Short Name", "Topic", terms="QSTESTCD"),
        req("QSTEST", "Question Name", "Synonym Qualifier"),
        req("QSCAT", "Category of Question", "Grouping Qualifier", terms="QSCAT", origin="Assigned"),
        exp("QSORRES", "Finding in Original Units", "Result Qualifier"),
        exp("QSSTRESC", "Character Result/Finding in Std Format", "Result Qualifier", origin="Derived"),
        exp("QSSTRESN", "Numeric Finding in Standard Units", "Result Qualifier", num=True, origin="Derived"),
        exp("QSBLFL", "Baseline Flag", "Record Qualifier", terms="NY", origin="Derived"),
    ),
    "Date/Time of Finding",
    "Study Day of Finding",
)

MO = _findings(
    "MO",
    "Morphology",
    "One record per morphology finding per location per visit per subject",
    ("STUDYID", "USUBJID", "MOTESTCD", "VISITNUM"),
    (
        req("MOTESTCD", "Morphology Test or Finding Short Name", "Topic", terms="MOTESTCD"),
        req("MOTEST", "Morphology Test or Finding Name", "Synonym Qualifier"),
        exp("MOORRES", "Morphology Result or Finding, Original", "Result Qualifier"),
        perm("MOORRESU", "Original Units", "Variable Qualifier", terms="UNIT"),
        exp("MOSTRESC", "Character Result/Finding in Std Format", "Result Qualifier", origin="Derived"),
        perm("MOSTRESN", "Numeric Result/Finding in Standard Units", "Result Qualifier", num=True, origin="Derived"),
        perm("MOSTRESU", "Standard Units", "Variable Qualifier", terms="UNIT", origin="Derived"),
        exp("MOLOC", "Location Used for the Measurement", "Record Qualifier", terms="LOC", origin="Assigned"),
        perm("MOMETHOD", "Method of Test or Examination", "Record Qualifier", terms="METHOD", origin="Assigned"),
        perm("MOBLFL", "Baseline Flag", "Record Qualifier", terms="NY", origin="Derived"),
    ),
    "Date/Time of Test",
    "Study Day of Test",
)

FA = _findings(
    "FA",
    "Findings About Events or Interventions",
    "One record per finding, per object, per time point, per visit per subject",
    ("STUDYID", "USUBJID", "FATESTCD", "FAOBJ", "FALNKID"),
    (
        perm("FALNKID", "Link ID", "Identifier", origin="Derived"),
        req("FATESTCD", "Findings About Test Short Name", "Topic", terms="FATESTCD"),
        req("FATEST", "Findings About Test Name", "Synonym Qualifier"),
        req("FAOBJ", "Object of the Observation", "Synonym Qualifier", terms="CETERM"),
        exp("FAORRES", "Result or Finding in Original Units", "Result Qualifier", terms="NY"),
        exp("FASTRESC", "Character Result/Finding in Std Format", "Result Qualifier", terms="NY", origin="Derived"),
    ),
    "Date/Time of Collection",
    "Study Day of Collection",
)

DOMAINS: dict[str, Domain] = {d.code: d for d in (DM, AE, CE, CM, DS, EX, FA, LB, MH, MO, QS, SV, VS)}
"""Every dataset mesems writes, in alphabetical order after DM."""
