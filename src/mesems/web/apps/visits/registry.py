"""The form kinds: one entry per MESEMS case report form, joining its model, its Django form and
its place in the schedule. Pages and API routes are made from this table, so a new form is one
entry here (and its model and form)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils.functional import Promise

from mesems.errors import NotFound

if TYPE_CHECKING:
    from mesems.web.apps.visits.forms import CrfForm
    from mesems.web.apps.visits.models import CrfRecord

Scope = Literal["visit", "log", "once"]
"""visit: one per visit that collects it; log: any number per participant, optionally at a visit;
once: one per participant."""


@dataclass(frozen=True)
class FormKind:
    key: str
    slug: str
    label: str | Promise
    model: type[CrfRecord]
    form: type[CrfForm]
    scope: Scope
    summary_fields: tuple[str, ...] = ()

    @property
    def data_fields(self) -> list[str]:
        return list(self.form.Meta.fields)

    @property
    def derived_fields(self) -> list[str]:
        from mesems.web.apps.visits.models import CrfRecord

        shared = {f.name for f in CrfRecord._meta.get_fields()} | {"id"}
        return [f.name for f in self.model._meta.concrete_fields if not f.editable and f.name not in shared]


_KINDS: dict[str, FormKind] = {}


def register(kind: FormKind) -> FormKind:
    _KINDS[kind.key] = kind
    return kind


def all_kinds() -> list[FormKind]:
    return list(_KINDS.values())


def get_kind(name: str) -> FormKind:
    """A kind by its key (vital_signs) or slug (vital-signs)."""
    for kind in _KINDS.values():
        if name in (kind.key, kind.slug):
            return kind
    raise NotFound(
        f"no form {name!r}; expected one of [{', '.join(k.slug for k in _KINDS.values())}]", field="kind"
    )


def kind_of_model(model: type) -> FormKind:
    for kind in _KINDS.values():
        if kind.model is model:
            return kind
    raise NotFound(f"no form kind for {model.__name__}")
