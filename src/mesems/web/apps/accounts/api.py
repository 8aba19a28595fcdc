"""Authentication over the API: tokens for programs, the session for the browser."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from mesems.web.apps.accounts.services import issue_token, role_of
from mesems.web.schemas import Input

router = Router(tags=["accounts"])


class TokenIn(Input):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    site: str | None


@router.post("/auth/token", response=TokenOut, auth=None, summary="Exchange a username and password for an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": issue_token(request, payload.username, payload.password)}


@router.get("/me", response=MeOut, summary="Who the caller is")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.auth  # type: ignore[attr-defined]
    role = role_of(user)
    return {"username": user.get_username(), "role": role.value if role else "", "role_label": role.label if role else "", "site": user.site.code if user.site else None}
