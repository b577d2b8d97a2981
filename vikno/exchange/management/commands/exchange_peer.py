"""`manage.py exchange_peer add|list|remove`: the contact centers we exchange with.

    manage.py exchange_peer add ukc --name "Урядовий контактний центр" \
        --url https://ukc.example.gov.ua --upstream --secret "$SHARED"
    manage.py exchange_peer add hromada --name "Громада" --url https://h.example.ua \
        --downstream --organization hromada-cc
    manage.py exchange_peer list
    manage.py exchange_peer secret ukc --secret "$NEW"
    manage.py exchange_peer remove ukc

`add` and `secret` (rotation) print the shared secret alone on their last line (generated
when --secret is not given): give it to the peer over a safe channel. The secret is never
listed nor shown in the admin.
"""

from django.core.management.base import BaseCommand, CommandError

from vikno.core.errors import ServiceError
from vikno.exchange.models import MessageState, Peer
from vikno.exchange.services import peer_create, peer_deactivate, peer_secret_set
from vikno.reference.models import Organization


class Command(BaseCommand):
    help = "Add, list or remove peer contact centers of the exchange (docs/exchange.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a peer and its service account")
        add.add_argument("code", help="the peer's code: its X-Vikno-Peer header")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True, help="the peer's base URL")
        add.add_argument("--secret", default="", help="shared secret (generated if empty)")
        add.add_argument("--upstream", action="store_true", help="it hands appeals down to us")
        add.add_argument("--downstream", action="store_true", help="we hand appeals down to it")
        add.add_argument(
            "--organization", default="", help="code of the organization standing for it"
        )
        sub.add_parser("list", help="list peers (never their secrets)")
        rotate = sub.add_parser("secret", help="set a new shared secret and print it")
        rotate.add_argument("code")
        rotate.add_argument("--secret", default="", help="the new secret (generated if empty)")
        remove = sub.add_parser("remove", help="deactivate a peer (its history stays)")
        remove.add_argument("code")

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                self._add(options)
            elif action == "list":
                self._list()
            elif action == "secret":
                peer, secret = peer_secret_set(code=options["code"], secret=options["secret"])
                self.stderr.write(f"New shared secret of {peer.code!r}.")
                self.stdout.write(secret)
            else:
                peer = peer_deactivate(code=options["code"])
                self.stdout.write(f"Deactivated {peer.code}")
        except ServiceError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc

    def _add(self, options):
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(code=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['organization']!r}")
        peer, secret = peer_create(
            code=options["code"],
            name=options["name"],
            base_url=options["url"],
            secret=options["secret"],
            is_upstream=options["upstream"],
            is_downstream=options["downstream"],
            organization=organization,
        )
        self.stderr.write(f"Added peer {peer.code!r}, acting as {peer.account.username}.")
        self.stdout.write(secret)

    def _list(self):
        for peer in Peer.objects.select_related("organization").order_by("code"):
            roles = "+".join(
                role
                for role, on in (("upstream", peer.is_upstream), ("downstream", peer.is_downstream))
                if on
            )
            pending = peer.outbox.filter(state=MessageState.PENDING).count()
            state = "active" if peer.is_active else "inactive"
            org = peer.organization.code if peer.organization else "-"
            self.stdout.write(
                f"{peer.code}\t{roles}\t{org}\t{peer.base_url}\t{state}\tpending={pending}"
            )
