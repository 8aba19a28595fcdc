from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mesems.access import is_blinded
from mesems.web.apps.accounts.services import role_of


def role(request: HttpRequest) -> dict[str, Any]:
    current = role_of(getattr(request, "user", None))
    return {"trial_role": current, "trial_role_label": current.label if current else "", "is_blinded": current is None or is_blinded(current)}
