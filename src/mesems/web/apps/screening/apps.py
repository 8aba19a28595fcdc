from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "mesems.web.apps.screening"
    label = "screening"
    verbose_name = "Eligibility screening and the screening log"
