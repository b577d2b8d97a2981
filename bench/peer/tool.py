"""`python -m bench.peer.tool ...`: run inside the peer's venv on the peer's database.

    setup                 migrate; the staff user, its API token, its session, one queue
    load --total N --open K
                          N tickets (K open), each with its opening follow-up, written
                          with executemany INSERTs in batches; skipped when N are there
    set-open K            close (or reopen) tickets, chosen at random (seeded), until K
                          are open: bulk UPDATEs

Each prints one line of JSON last. Imports nothing of Vikno.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
from datetime import UTC, datetime, timedelta

STAFF = "bench-staff"
QUEUE_SLUG = "city"
BATCH = 5000
LOADED_PREFIX = "loaded-applicant"  # submitter e-mails of the loader's tickets
OPEN, CLOSED = 1, 4  # helpdesk's OPEN_STATUS and CLOSED_STATUS
TEXTS = [
    "Третій день немає холодної води в будинку. Оголошень про відключення не було.",
    "Не працює вуличне освітлення на всій вулиці, ввечері небезпечно ходити.",
    "Після ремонту тепломережі не засипали яму біля під'їзду.",
    "Не вивозять сміття з контейнерного майданчика вже тиждень.",
    "Протікає дах на п'ятому поверсі, вода тече по стінах під'їзду.",
    "Зламаний ліфт у будинку, мешканці похилого віку не можуть вийти.",
]
TITLES = [
    "Немає холодної води",
    "Не працює освітлення",
    "Яма біля під'їзду",
    "Не вивозять сміття",
    "Протікає дах",
    "Не працює ліфт",
]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")
    import django

    django.setup()


def setup() -> dict:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0, interactive=False)
    user_model = get_user_model()
    user = user_model.objects.filter(username=STAFF).first()
    password = secrets.token_urlsafe(16)
    if user is None:
        user = user_model.objects.create_superuser(STAFF, "staff@example.org", password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    token, _ = Token.objects.get_or_create(user=user)
    queue, _ = Queue.objects.get_or_create(
        slug=QUEUE_SLUG,
        defaults={"title": "Звернення громадян", "allow_public_submission": False},
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {
        "token": token.key,
        "session": store.session_key,
        "queue": queue.pk,
        "user": user.pk,
        "username": STAFF,
        "password": password,
    }


class Inserter:
    """executemany of one INSERT with every concrete column of a model: the given
    values, the field's default (prepared once) for the others. Several times faster
    than bulk_create, which prepares every value of every object."""

    def __init__(self, model, connection) -> None:
        self.connection = connection
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {}
        for field in self.fields:
            if not field.primary_key:
                default = field.get_default()
                self.defaults[field.attname] = field.get_db_prep_save(default, connection)
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names, not data
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )

    def __call__(self, rows: list[dict]) -> None:
        names = [field.attname for field in self.fields]
        defaults = self.defaults
        values = [tuple(row[n] if n in row else defaults[n] for n in names) for row in rows]
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, values)


def load(total: int, open_: int, seed: int = 20260601) -> dict:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from helpdesk.models import FollowUp, Queue, Ticket

    # Tickets made through the API by scenario 1 are not the loader's: delete them.
    Ticket.objects.exclude(submitter_email__startswith=LOADED_PREFIX).delete()
    existing = Ticket.objects.count()
    if existing == total:
        return {"loaded": 0, "total": existing, **set_open(open_)}
    if existing:
        # Another size: the harness makes the database afresh (faster than deleting).
        return {"mismatch": existing, "total": total}
    rng = random.Random(seed)  # noqa: S311 - data, not secrets
    queue = Queue.objects.get(slug=QUEUE_SLUG)
    now = datetime.now(UTC)
    open_ids = set(rng.sample(range(total), open_))
    adapt = connection.ops.adapt_datetimefield_value
    ticket_insert = Inserter(Ticket, connection)
    followup_insert = Inserter(FollowUp, connection)
    made = 0
    while made < total:
        count = min(BATCH, total - made)
        tickets, followups = [], []
        for i in range(made, made + count):
            created = now - timedelta(seconds=rng.randrange(365 * 86400))
            n = rng.randrange(len(TEXTS))
            at = adapt(created)
            tickets.append(
                {
                    "id": i + 1,
                    "title": TITLES[n],
                    "queue_id": queue.pk,
                    "created": at,
                    "modified": at,
                    "submitter_email": f"{LOADED_PREFIX}{i % 50000}@example.org",
                    "status": OPEN if i in open_ids else CLOSED,
                    "description": TEXTS[n],
                    "priority": rng.choice((1, 2, 3, 3, 3, 4, 5)),
                    "due_date": adapt(created + timedelta(days=15)),
                    "secret_key": f"{rng.getrandbits(64):016x}",
                }
            )
            followups.append(
                {
                    "id": i + 1,
                    "ticket_id": i + 1,
                    "date": at,
                    "title": "Ticket Opened",
                    "comment": TEXTS[n],
                    "public": True,
                }
            )
        with transaction.atomic():
            ticket_insert(tickets)
            followup_insert(followups)
        made += count
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket, FollowUp]):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"loaded": total, "total": total, "open": Ticket.objects.filter(status=OPEN).count()}


def set_open(target: int, seed: int = 7) -> dict:
    """Close or reopen tickets (seeded choice) until `target` are open (status Open)."""
    from django.db import connection, transaction
    from helpdesk.models import Ticket

    open_ids = sorted(Ticket.objects.filter(status__in=(1, 2)).values_list("pk", flat=True))
    rng = random.Random(seed)  # noqa: S311 - a reproducible choice, not a secret
    if len(open_ids) > target:
        change, status = open_ids, CLOSED
        rng.shuffle(change)
        change = change[: len(open_ids) - target]
    elif len(open_ids) < target:
        closed = sorted(Ticket.objects.exclude(status__in=(1, 2)).values_list("pk", flat=True))
        rng.shuffle(closed)
        change, status = closed[: target - len(open_ids)], OPEN
    else:
        change, status = [], OPEN
    with transaction.atomic():
        for start in range(0, len(change), 10_000):
            Ticket.objects.filter(pk__in=change[start : start + 10_000]).update(status=status)
    if change:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"open": Ticket.objects.filter(status__in=(1, 2)).count(), "changed": len(change)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer.tool")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup")
    loading = sub.add_parser("load")
    loading.add_argument("--total", type=int, required=True)
    loading.add_argument("--open", type=int, required=True)
    opening = sub.add_parser("set-open")
    opening.add_argument("count", type=int)
    args = parser.parse_args(argv)
    _django()
    if args.command == "setup":
        result = setup()
    elif args.command == "load":
        result = load(args.total, args.open)
    else:
        result = set_open(args.count)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
