from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CellProductConfig(AppConfig):
    name = "mesems.web.apps.cellproduct"
    label = "cellproduct"
    verbose_name = _("Cell product")

    def ready(self) -> None:
        from mesems.web.apps.allocation.preconditions import register_precondition, register_product_code_provider
        from mesems.web.apps.cellproduct.hooks import period_one_code, released_product

        register_precondition("released_product", released_product)
        register_product_code_provider("period_one_bag", period_one_code)
