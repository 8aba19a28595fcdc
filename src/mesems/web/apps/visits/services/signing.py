"""The investigator's electronic signature of a visit (21 CFR 11.50/11.200).

Signing asks for the password again (through the login's backends, so failed attempts count
towards the account lockout), shows what the signature means, and stores the meaning with it.
A visit is signed once it is done and complete; a later change voids the signature.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mesems.access.crf import SIGNING_ROLES
from mesems.errors import AccessDenied, ScheduleError
from mesems.web.apps.accounts.services import require_role
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.visits.models import Visit, VisitSignature
from mesems.web.apps.visits.services.schedule import visible_visit, visit_views
from mesems.web.apps.visits.visit_forms import SIGNATURE_MEANING


def sign_visit(
    user: Any, participant_code: str, visit_code: str, password: str, request: HttpRequest | None = None
) -> VisitSignature:
    require_role(user, SIGNING_ROLES, "sign a visit")
    visit = visible_visit(user, participant_code, visit_code)
    if request is None:  # a service call (the demo, a script): the lockout still needs a request to count on
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
    if authenticate(request, username=user.get_username(), password=password) is None:
        with transaction.atomic():
            record_change(
                user,
                "signature_refused",
                visit,
                {},
                reason="wrong password at signing",
                site_code=visit.participant.site.code,
            )
        raise AccessDenied(
            "the password is not right; the visit was not signed", field="password", code="wrong_password"
        )
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        view = next(v for v in visit_views(visit.participant) if v.visit.pk == visit.pk)
        if view.signed is not None:
            raise ScheduleError(
                f"{visit.code} is already signed by {view.signed.signed_by.get_username()}",
                field="visit",
                http_status=409,
            )
        if visit.visit_date is None:
            raise ScheduleError(
                f"{visit.code} is not done; only a done visit can be signed", field="visit", http_status=409
            )
        if not view.completeness.complete:
            missing = ", ".join(view.completeness.missing_forms + view.completeness.unanswered_reviews)
            raise ScheduleError(
                f"{visit.code} is not complete; still missing: {missing}", field="visit", http_status=409
            )
        signature = VisitSignature.objects.create(
            visit=visit, signed_by=user, signed_at=timezone.now(), meaning=str(SIGNATURE_MEANING)
        )
        record_change(
            user,
            "signed",
            signature,
            {"visit": [None, f"{visit.participant.code}/{visit.code}"], "meaning": [None, signature.meaning]},
            reason="investigator's signature",
            site_code=visit.participant.site.code,
        )
    return signature
