from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "vikno.public"
    label = "public"
