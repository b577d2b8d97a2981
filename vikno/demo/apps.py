from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vikno.demo"
    label = "demo"
