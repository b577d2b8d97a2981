"""`manage.py tallies_rebuild`: recompute the daily tallies from the appeals."""

from django.core.management.base import BaseCommand

from vikno.statistics.services import tallies_rebuild


class Command(BaseCommand):
    help = "Recompute the daily tallies of appeals (indicators and counts) from the appeals."

    def handle(self, *args, **options):
        days = tallies_rebuild()
        self.stdout.write(f"Daily tallies rebuilt: {days} days.")
