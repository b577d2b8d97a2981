"""`manage.py demo_load`: the demo city with a year of appeals, loaded once.

Running it again changes nothing and says so. The sign-ins and the API key it prints work
only while DEBUG is on (VIKNO_DEBUG=1).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vikno.appeals.models import Appeal
from vikno.demo import loader


class Command(BaseCommand):
    help = "Load the demo city (reference data, staff, an API key and appeals) once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--appeals", type=int, default=5000, help="how many appeals to load (default 5000)"
        )

    def handle(self, *args, appeals: int, **options):
        if appeals < 0:
            raise CommandError("--appeals must not be negative")
        if loader.is_loaded():
            self.stdout.write("demo data already loaded")
            return
        started = time.monotonic()
        try:
            loader.load(appeals=appeals, log=self.stdout.write)
        except loader.AlreadyLoaded:
            self.stdout.write("demo data already loaded")
            return
        seconds = time.monotonic() - started
        count = Appeal.objects.count()
        self.stdout.write(f"Loaded {count} demo appeals in {seconds:.1f} s.")
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (they work only while DEBUG is on, VIKNO_DEBUG=1):")
        rows = [("username", "password", "role", "organization"), *loader.sign_ins()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
            )
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(f"Demo API key (Authorization: Bearer …): {loader.demo_api_key()}")
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("DEBUG is off: the demo accounts and key will refuse to work.")
            )
