from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vikno.accounts"
    label = "accounts"
