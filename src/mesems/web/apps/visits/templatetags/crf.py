"""Small template helpers for generic form pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def attr_or_blank(obj: Any, name: str) -> Any:
    value = getattr(obj, name, "")
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None and value not in (None, ""):
        return display()
    return "—" if value in (None, "") else value


@register.filter
def in_set(value: Any, collection: Any) -> bool:
    return value in collection
