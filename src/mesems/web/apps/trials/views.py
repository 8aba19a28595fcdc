"""The pages every role starts from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesems.web.apps.trials.services import current_protocol, visible_participant, visible_participants, visible_sites


@login_required
def home(request: HttpRequest) -> HttpResponse:
    protocol = current_protocol()
    participants = visible_participants(request.user)
    return render(
        request,
        "trials/home.html",
        {"protocol": protocol, "sites": visible_sites(request.user), "participants": participants[:200], "participant_count": participants.count()},
    )


@login_required
def participant_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "trials/participant.html", {"participant": visible_participant(request.user, code)})
