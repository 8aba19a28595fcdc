"""Drug names as clinicians write them, mapped to the protocol's classes."""

from __future__ import annotations

import pytest

from mesems.eligibility.drugs import DrugClass, classify_drug, known_names, normalise_drug_name

EXPECTED = {
    DrugClass.INTERFERON_BETA: ["Avonex", "REBIF", "Betaferon", "betaseron", "Extavia", "Plegridy", "interferon beta-1a", "Interferon β-1b", "IFN-beta", "peginterferon beta-1a", "Rebif 44 mcg tiw"],
    DrugClass.GLATIRAMER: ["Copaxone", "glatiramer acetate", "GLATIRAMER", "Glatopa"],
    DrugClass.NATALIZUMAB: ["Tysabri", "natalizumab", "NATALIZUMAB 300 mg IV q4w"],
    DrugClass.FINGOLIMOD: ["Gilenya", "fingolimod 0.5 mg"],
    DrugClass.MITOXANTRONE: ["Novantrone", "mitoxantrone", "Mitozantrone"],
    DrugClass.OTHER_IMMUNOSUPPRESSANT: [
        "azathioprine", "Imurel", "methotrexate", "rituximab", "MabThera", "ocrelizumab", "Ocrevus", "cladribine",
        "Mavenclad", "alemtuzumab", "Lemtrada", "cyclophosphamide", "mycophenolate mofetil", "CellCept", "ciclosporin",
        "teriflunomide", "dimethyl fumarate", "Tecfidera", "siponimod", "ofatumumab", "Kesimpta",
    ],
    DrugClass.CORTICOSTEROID: ["methylprednisolone", "Solu-Medrol", "IV methylprednisolone 1 g x 3", "prednisolone", "Prednisone", "dexamethasone", "Medrol"],
}  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), [(n, c) for c, names in EXPECTED.items() for n in names])
def test_generic_and_brand_names_in_any_case(name: str, expected: DrugClass) -> None:
    assert classify_drug(name) is expected


@pytest.mark.parametrize(
    "name", ["vitamin D", "baclofen", "IVIG", "ACTH", "", "   ", "Fooximab", "plasma exchange"]
)
def test_an_unknown_name_is_not_classified(name: str) -> None:
    assert classify_drug(name) is None


def test_names_of_two_classes_are_not_classified() -> None:
    assert classify_drug("natalizumab then fingolimod") is None


def test_a_name_in_brackets_beside_its_generic_is_one_class() -> None:
    assert classify_drug("interferon beta-1a (Rebif)") is DrugClass.INTERFERON_BETA


def test_words_are_matched_whole() -> None:
    assert classify_drug("prednisolonex") is None
    assert classify_drug("methylprednisolone") is DrugClass.CORTICOSTEROID


def test_normalising_drops_case_marks_and_punctuation() -> None:
    assert normalise_drug_name("  Solu-Medrol®  ") == "solu medrol"
    assert normalise_drug_name("IFN-β-1a") == "ifn beta 1a"


def test_every_class_has_names_and_labels() -> None:
    for drug_class in DrugClass:
        assert known_names(drug_class)
        assert drug_class.label
