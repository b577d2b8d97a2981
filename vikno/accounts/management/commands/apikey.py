"""`manage.py apikey create NAME` prints the new key alone on its last line."""

from django.core.management.base import BaseCommand, CommandError

from vikno.accounts.models import ApiKey, ApiKeyScope, Role, User
from vikno.accounts.services import apikey_create, apikey_revoke
from vikno.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create, list or revoke API keys for integrations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("name")
        create.add_argument("--user", help="act as this existing user")
        create.add_argument("--role", default=Role.ADMINISTRATOR, choices=Role.values)
        create.add_argument(
            "--scopes", default="read,write", help=f"comma-separated: {ApiKeyScope.values}"
        )
        sub.add_parser("list", help="list keys (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a key by name")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                user = None
                if options["user"]:
                    user = User.objects.filter(username=options["user"]).first()
                    if user is None:
                        raise CommandError(f"No user {options['user']!r}")
                scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
                key, plain = apikey_create(
                    name=options["name"], user=user, role=options["role"], scopes=scopes
                )
                self.stderr.write(f"Created API key {key.name!r} acting as {key.user.username}.")
                self.stdout.write(plain)
            elif action == "list":
                for key in ApiKey.objects.select_related("user").order_by("name"):
                    state = "revoked" if key.revoked_at else "active"
                    self.stdout.write(f"{key.name}\t{key.user.username}\t{state}\t{key.scopes}")
            elif action == "revoke":
                apikey_revoke(name=options["name"])
                self.stdout.write(f"Revoked {options['name']}")
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
