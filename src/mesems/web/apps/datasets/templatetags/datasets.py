"""`{{ user|takes_reports }}`: whether the reports page has anything for the user (for the menu)."""

from __future__ import annotations

from typing import Any

from django import template

from mesems.access.datasets import may_take_reports
from mesems.web.apps.accounts.services import role_of

register = template.Library()


@register.filter
def takes_reports(user: Any) -> bool:
    return may_take_reports(role_of(user))
