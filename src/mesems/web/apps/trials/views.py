"""The pages every role starts from, and the correction of a participant's record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mesems.access import access
from mesems.errors import MesemsError, NotFound
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.trials.forms import ParticipantCorrectionForm
from mesems.web.apps.trials.services import correct_participant, current_protocol, visible_participant, visible_participants, visible_sites


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
    can_correct = access(role_of(request.user), "page:participant_edit").permits
    return render(request, "trials/participant.html", {"participant": visible_participant(request.user, code), "can_correct": can_correct})


@login_required
def participant_edit(request: HttpRequest, code: str) -> HttpResponse:
    participant = visible_participant(request.user, code)
    initial = {"ms_course": participant.ms_course, "version": participant.version}
    form = ParticipantCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correct_participant(request.user, code, version=data["version"], reason=data["reason"], values={"ms_course": data["ms_course"]})
        except NotFound:
            raise
        except MesemsError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, ValidationError(refusal.message, code=refusal.code))
        else:
            messages.success(request, _("The correction is saved."))
            return redirect("participant", code=code)
    return render(request, "trials/participant_edit.html", {"participant": participant, "form": form})
