from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mesems.web.apps.audit"
    label = "audit"
    verbose_name = "Audit trail"
