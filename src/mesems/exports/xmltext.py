"""Escaping text for XML written as strings (the fast writers build XML text in polars).

Attribute values also escape tab, newline and carriage return as character references: a parser
normalises a literal one to a space, which would break the round trip of a free-text value.
"""

from __future__ import annotations

import polars as pl

_ATTRIBUTE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def attribute(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(_ATTRIBUTE), list(_ATTRIBUTE.values()))


def text(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(_TEXT), list(_TEXT.values()))


def attribute_value(value: str) -> str:
    return "".join(_ATTRIBUTE.get(ch, ch) for ch in value)


def text_value(value: str) -> str:
    return "".join(_TEXT.get(ch, ch) for ch in value)
