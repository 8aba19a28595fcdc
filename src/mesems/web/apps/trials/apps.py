from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "mesems.web.apps.trials"
    label = "trials"
    verbose_name = "Trial, sites and participants"
