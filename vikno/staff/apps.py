from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "vikno.staff"
    label = "staff"
