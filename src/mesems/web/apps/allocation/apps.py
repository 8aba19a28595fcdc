from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "mesems.web.apps.allocation"
    label = "allocation"
    verbose_name = _("Randomisation and blinding")

    def ready(self) -> None:
        from mesems.web.apps.allocation.preconditions import consented, register_precondition

        register_precondition("consented", consented)
