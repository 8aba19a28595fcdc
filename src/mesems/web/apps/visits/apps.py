from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "mesems.web.apps.visits"
    label = "visits"
    verbose_name = "Visits and case report forms"

    def ready(self) -> None:
        from mesems.web.apps.allocation.preconditions import register_on_randomised
        from mesems.web.apps.cellproduct.services import register_weight_source
        from mesems.web.apps.visits import kinds  # noqa: F401  (registers the form kinds)
        from mesems.web.apps.visits.services.dosing import crf_weight
        from mesems.web.apps.visits.services.schedule import start_schedule

        register_on_randomised("visit_schedule", lambda participant, day, actor: start_schedule(participant, day, actor))
        register_weight_source("crf", crf_weight)
