"""Blinded codes: the randomisation number (R-0042) and the product code (P-7F3K).

A product code has the same shape whatever the bag holds, so a label tells nothing about the arm.
The alphabet leaves out 0, O, 1, I and L, which are misread when a nurse types a code from a label.
"""

from __future__ import annotations

import re
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4
PRODUCT_CODE = re.compile(rf"^P-[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def randomisation_number(number: int) -> str:
    """The participant's randomisation number in the order of randomisation across the trial."""
    return f"R-{number:04d}"


def new_product_code() -> str:
    """A fresh blinded code from the operating system's secure random source (not guessable from others)."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_product_code(text: str) -> str:
    """What a person typed or a scanner read, as a code: upper case, surrounding blanks removed."""
    code = text.strip().upper()
    return code if code.startswith("P-") else f"P-{code}"


def is_product_code(text: str) -> bool:
    return bool(PRODUCT_CODE.match(text))
