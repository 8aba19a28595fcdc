from __future__ import annotations

from mesems.randomisation import new_product_code, normalise_product_code, randomisation_number
from mesems.randomisation.codes import is_product_code


def test_codes_have_one_shape() -> None:
    codes = {new_product_code() for _ in range(200)}
    assert all(is_product_code(c) and len(c) == 6 for c in codes)
    assert len(codes) > 190


def test_typed_codes_are_normalised() -> None:
    assert normalise_product_code(" p-7f3k ") == "P-7F3K" and normalise_product_code("7f3k") == "P-7F3K"
    assert randomisation_number(42) == "R-0042"
