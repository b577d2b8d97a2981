from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vikno.accounts"
    label = "accounts"

    def ready(self) -> None:
        from vikno.accounts import signals  # noqa: F401  (connects the receivers)
