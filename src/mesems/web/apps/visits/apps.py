from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "mesems.web.apps.visits"
    label = "visits"
    verbose_name = "Visits and case report forms"

    def ready(self) -> None:
        from mesems.web.apps.visits import kinds  # noqa: F401  (registers the form kinds)
