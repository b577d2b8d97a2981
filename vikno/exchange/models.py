"""The exchange with other contact centers (format vikno-exchange/1, docs/exchange.md).

Peers are the centers we exchange with; links join our appeals to their numbers; inbound
keys refuse replays; the outbox keeps what we send, in order, until it is delivered.
Nothing here writes on its own: see vikno.exchange.services and vikno.exchange.outbox.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Peer(models.Model):
    """Another contact center: our upstream (it hands appeals down to us), our downstream
    (we hand appeals down to it through its `organization`), or both.

    The secret is the shared HMAC key of both directions; it is never logged nor shown
    in lists. `account` is the service user that acts for the peer on its inbound calls.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    base_url = models.URLField(_("base URL"), help_text=_("e.g. https://1551.example.gov.ua"))
    secret = models.CharField(_("shared secret"), max_length=200)
    is_upstream = models.BooleanField(
        _("upstream"), default=False, help_text=_("It hands appeals down to us.")
    )
    is_downstream = models.BooleanField(
        _("downstream"), default=False, help_text=_("We hand appeals down to it.")
    )
    organization = models.OneToOneField(
        "reference.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_peer",
        help_text=_(
            "For a downstream peer: the organization in our tree that stands for it; the "
            "routing rules and forwarding to it decide which appeals go there."
        ),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="exchange_peer",
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    # The delivery lease: while it is in the future, one worker is sending this peer's
    # outbox and every other worker leaves it alone (order per peer).
    delivering_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange peer")
        verbose_name_plural = _("exchange peers")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_downstream=True) | Q(organization__isnull=False),
                name="peer_downstream_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LinkDirection(models.TextChoices):
    IN = "in", _("handed down to us")
    OUT = "out", _("handed down by us")


class ExchangeLink(models.Model):
    """Our appeal ↔ the peer's number of it.

    In: the peer is our upstream; `external_number` is its number (from the appeal
    message). Out: the peer is our downstream; `external_number` is the number it gave
    the appeal (blank until its answer or first update tells it).
    """

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="links")
    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="exchange_links"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=LinkDirection.choices)
    external_number = models.CharField(_("number at the peer"), max_length=100, blank=True)
    peer_due_at = models.DateTimeField(_("due at the peer"), null=True, blank=True)
    attachments = models.JSONField(_("attachments by reference"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("exchange link")
        verbose_name_plural = _("exchange links")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "external_number"],
                condition=~Q(external_number=""),
                name="exchange_link_unique_number",
            ),
            models.UniqueConstraint(
                fields=["peer", "appeal", "direction"], name="exchange_link_unique_appeal"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.peer.code}:{self.external_number or '?'} ↔ {self.appeal_id} ({self.direction})"
        )


class InboundKey(models.Model):
    """An Idempotency-Key accepted from a peer: the same key again is refused (409 replay)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="inbound_keys")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inbound key")
        verbose_name_plural = _("inbound keys")
        constraints = [
            models.UniqueConstraint(fields=["peer", "key"], name="inbound_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.key}"


class MessageKind(models.TextChoices):
    APPEAL = "appeal", _("appeal handed down")
    UPDATE = "update", _("status update reported back")


class MessageState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("delivered")
    FAILED = "failed", _("refused by the peer")


class OutboxMessage(models.Model):
    """One message to a peer, written in the transaction of the change it reports.

    `seq` grows strictly per peer; delivery sends a peer's pending messages in `seq`
    order and stops at the first one that cannot be sent. `last_error` holds only the
    kind of failure (HTTP status, error code, exception class), never personal data.
    """

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_messages",
    )
    payload = models.JSONField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound exchange message")
        verbose_name_plural = _("outbound exchange messages")
        ordering = ["peer", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "seq"], name="outbox_message_unique_seq"),
        ]
        indexes = [models.Index(fields=["peer", "state", "seq"], name="outbox_peer_state_seq")]

    def __str__(self) -> str:
        return f"{self.peer_id}#{self.seq} {self.kind} ({self.state})"
