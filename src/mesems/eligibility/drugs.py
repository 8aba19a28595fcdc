"""Drug names as clinicians write them, mapped to the classes the protocol's criteria speak of.

Inclusion 1 names the approved therapies (interferon-beta, glatiramer acetate, natalizumab,
mitoxantrone, fingolimod); exclusion 5 any immunosuppressive therapy, exclusion 6 interferon-beta
or glatiramer, exclusion 7 corticosteroids. A name is matched, in any case and spelling of
punctuation, against generic and brand names; a name that matches nothing, or names drugs of two
classes, is not classified and the caller says "could not classify X". The same mapping
classifies concomitant medications.

The immunosuppressant list takes a clinician's reading of exclusion 5: every disease-modifying
or oncological drug that suppresses the immune system (anti-CD20 antibodies, cladribine,
alemtuzumab, antimetabolites, calcineurin inhibitors, S1P modulators other than fingolimod,
teriflunomide and the fumarates) counts; intravenous immunoglobulin and ACTH do not, so they are
left unclassified for a person to judge.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class DrugClass(StrEnum):
    INTERFERON_BETA = "interferon_beta"
    GLATIRAMER = "glatiramer"
    NATALIZUMAB = "natalizumab"
    FINGOLIMOD = "fingolimod"
    MITOXANTRONE = "mitoxantrone"
    OTHER_IMMUNOSUPPRESSANT = "other_immunosuppressant"
    CORTICOSTEROID = "corticosteroid"

    @property
    def label(self) -> str:
        return DRUG_CLASS_LABELS[self]


DRUG_CLASS_LABELS: dict[DrugClass, str] = {
    DrugClass.INTERFERON_BETA: "interferon-beta",
    DrugClass.GLATIRAMER: "glatiramer acetate",
    DrugClass.NATALIZUMAB: "natalizumab",
    DrugClass.FINGOLIMOD: "fingolimod",
    DrugClass.MITOXANTRONE: "mitoxantrone",
    DrugClass.OTHER_IMMUNOSUPPRESSANT: "other immunosuppressant",
    DrugClass.CORTICOSTEROID: "corticosteroid",
}

_NAMES: dict[DrugClass, tuple[str, ...]] = {
    DrugClass.INTERFERON_BETA: (
        "interferon beta",
        "interferon beta 1a",
        "interferon beta 1b",
        "peginterferon beta 1a",
        "pegylated interferon beta",
        "beta interferon",
        "ifn beta",
        "ifnb",
        "ifn b",
        "ifnb 1a",
        "ifnb 1b",
        "avonex",
        "rebif",
        "betaferon",
        "betaseron",
        "extavia",
        "plegridy",
    ),
    DrugClass.GLATIRAMER: ("glatiramer", "glatiramer acetate", "copaxone", "glatopa", "copemyl"),
    DrugClass.NATALIZUMAB: ("natalizumab", "tysabri", "tyruko"),
    DrugClass.FINGOLIMOD: ("fingolimod", "gilenya", "tascenso"),
    DrugClass.MITOXANTRONE: ("mitoxantrone", "mitozantrone", "novantrone", "ralenova", "onkotrone"),
    DrugClass.OTHER_IMMUNOSUPPRESSANT: (
        "azathioprine",
        "imuran",
        "imurel",
        "methotrexate",
        "metoject",
        "trexall",
        "otrexup",
        "rasuvo",
        "rituximab",
        "rituxan",
        "mabthera",
        "truxima",
        "ruxience",
        "ocrelizumab",
        "ocrevus",
        "ofatumumab",
        "kesimpta",
        "arzerra",
        "ublituximab",
        "briumvi",
        "cladribine",
        "mavenclad",
        "leustatin",
        "alemtuzumab",
        "lemtrada",
        "campath",
        "cyclophosphamide",
        "endoxan",
        "cytoxan",
        "mycophenolate",
        "mycophenolate mofetil",
        "mycophenolic acid",
        "cellcept",
        "myfortic",
        "ciclosporin",
        "cyclosporine",
        "cyclosporin",
        "sandimmun",
        "sandimmune",
        "neoral",
        "tacrolimus",
        "prograf",
        "teriflunomide",
        "aubagio",
        "leflunomide",
        "arava",
        "dimethyl fumarate",
        "tecfidera",
        "diroximel fumarate",
        "vumerity",
        "monomethyl fumarate",
        "bafiertam",
        "siponimod",
        "mayzent",
        "ozanimod",
        "zeposia",
        "ponesimod",
        "ponvory",
        "daclizumab",
        "zinbryta",
        "laquinimod",
        "tocilizumab",
        "actemra",
        "roactemra",
        "inebilizumab",
        "uplizna",
        "eculizumab",
        "soliris",
        "satralizumab",
        "enspryng",
    ),
    DrugClass.CORTICOSTEROID: (
        "methylprednisolone",
        "solu medrol",
        "solumedrol",
        "depo medrol",
        "medrol",
        "prednisolone",
        "prednisone",
        "deltasone",
        "dexamethasone",
        "decadron",
        "betamethasone",
        "celestone",
        "hydrocortisone",
        "solu cortef",
        "cortisone",
        "triamcinolone",
        "kenalog",
        "budesonide",
        "deflazacort",
        "fludrocortisone",
        "corticosteroid",
        "corticosteroids",
        "steroid",
        "steroids",
        "ivmp",
        "iv methylprednisolone",
    ),
}


def normalise_drug_name(name: str) -> str:
    """Lower case, accents and marks (®, ™) dropped, "β" read as "beta", punctuation as spaces."""
    text = name.replace("β", " beta ").replace("ß", " beta ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_CLASS_OF: dict[str, DrugClass] = {
    normalise_drug_name(name): drug_class for drug_class, names in _NAMES.items() for name in names
}
_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(n) for n in sorted(_CLASS_OF, key=len, reverse=True)) + r")\b"
)


def classify_drug(name: str) -> DrugClass | None:
    """The class of a drug named as written by a clinician ("Avonex", "IV methylprednisolone 1 g",
    "interferon beta-1a (Rebif)"), or None when no known name occurs in it or names of two
    classes do (e.g. "natalizumab then fingolimod": the caller must split it)."""
    found = {_CLASS_OF[match] for match in _PATTERN.findall(normalise_drug_name(name))}
    return found.pop() if len(found) == 1 else None


def known_names(drug_class: DrugClass) -> tuple[str, ...]:
    """The generic and brand names recognised for a class, as normalised."""
    return tuple(sorted(n for n, c in _CLASS_OF.items() if c is drug_class))
