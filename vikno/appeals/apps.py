from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "vikno.appeals"
    label = "appeals"
