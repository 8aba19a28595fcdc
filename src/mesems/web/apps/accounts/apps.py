from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mesems.web.apps.accounts"
    label = "accounts"
    verbose_name = "Users, roles and sites"
