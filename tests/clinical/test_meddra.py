"""The bundled MedDRA subset: 27 SOCs, PTs in their primary SOC, free text allowed."""

from __future__ import annotations

from mesems.clinical.meddra import canonical_soc, check_coding, is_coded, meddra_subset, search_terms, soc_of


def test_subset_shape() -> None:
    subset = meddra_subset()
    assert len(subset.socs) == 27 and len(set(subset.socs)) == 27
    assert set(subset.soc_of_pt.values()) <= set(subset.socs)
    assert soc_of("infusion related reaction") == "Injury, poisoning and procedural complications"


def test_coding_rules() -> None:
    assert check_coding("nervous system  DISORDERS", "headache") == []
    assert canonical_soc("nervous system  DISORDERS") == "Nervous system disorders"
    assert [p.code for p in check_coding("Cardiac disorders", "Headache")] == ["soc_mismatch"]
    assert [p.code for p in check_coding("Heart problems", None)] == ["unknown_soc"]
    assert [p.code for p in check_coding(None, "Headache")] == ["required"]
    assert check_coding("Nervous system disorders", "Lhermitte's sign") == [] and not is_coded(
        "Lhermitte's sign"
    )


def test_search_puts_prefix_matches_first() -> None:
    hits = [t.pt for t in search_terms("pain")]
    assert hits[0] == "Pain in extremity" and "Back pain" in hits
    assert search_terms("   ") == []
