from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mesems.web.apps.accounts"
    label = "accounts"
    verbose_name = "Users, roles and sites"

    def ready(self) -> None:
        from mesems.web.validators import refuse_control_characters_in_every_form

        refuse_control_characters_in_every_form()
