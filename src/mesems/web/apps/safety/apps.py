from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mesems.web.apps.safety"
    label = "safety"
    verbose_name = "Adverse events and SAE reporting"

    def ready(self) -> None:
        from mesems.web.apps.safety import kinds  # noqa: F401  (registers the form kinds)
