from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "vikno.appeals"
    label = "appeals"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from vikno.appeals.search import index_ensure

        # Derived data only (STYLE rule 5): SQLite loses the search triggers when a later
        # migration remakes the appeals table; put them back.
        post_migrate.connect(index_ensure, sender=self)
