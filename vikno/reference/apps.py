from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "vikno.reference"
    label = "reference"
