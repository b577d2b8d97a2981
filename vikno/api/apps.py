from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vikno.api"
    label = "api"
