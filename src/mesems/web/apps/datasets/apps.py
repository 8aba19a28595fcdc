from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "mesems.web.apps.datasets"
    label = "datasets"
    verbose_name = _("Reports and exports")
