"""Notifications: write messages to the outbox (notify) and send what is due (deliver_due).

`notify` is called by the service that made a change, inside its transaction: the outbox
rows commit or roll back with the change, and delivery is queued after commit. Each row
has an idempotency key, so a retried service or a re-run sweep never makes a second copy.
`deliver_due` sends pending rows with retries and backoff; one bad address never stops
the others, and a sent row is never sent again.
"""

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from vikno.accounts.models import Role, User
from vikno.core.clock import local_date, now
from vikno.notifications import channels
from vikno.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationState,
    NotificationTemplate,
)

if TYPE_CHECKING:
    from vikno.appeals.models import Appeal
    from vikno.reference.models import Organization

logger = logging.getLogger(__name__)

# Set while a bulk load replays the past (demo data): those steps happened "before" and
# must not message anyone now.
_suppressed: ContextVar[bool] = ContextVar("vikno_notifications_suppressed", default=False)


@contextmanager
def notifications_suppressed() -> Iterator[None]:
    """Inside the block, notify() writes nothing to the outbox."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


# Roles bound to an organization whose people hear about its appeals.
ORGANIZATION_ROLES = (Role.EXECUTOR, Role.SUPERVISOR)


def tracking_url(appeal: "Appeal") -> str:
    """The public page where the applicant follows the appeal without signing in."""
    return f"{settings.VIKNO_PUBLIC_URL.rstrip('/')}/track/{appeal.tracking_token}"


@dataclass(frozen=True)
class _Recipient:
    channel: str
    label: str  # the recipient part of the key: "applicant" or "user<pk>"
    address: str = ""
    user: User | None = None


def _applicant_recipients(appeal: "Appeal | None") -> list[_Recipient]:
    """The applicant by the channel they chose; without a choice, email when they gave
    one (free, keeps the link clickable), else SMS. A chosen channel without its address
    falls back to the other."""
    applicant = appeal.applicant if appeal is not None else None
    if applicant is None:
        return []
    email = _Recipient(NotificationChannel.EMAIL, "applicant", address=applicant.email)
    sms = _Recipient(NotificationChannel.SMS, "applicant", address=applicant.phone)
    order = [sms, email] if applicant.preferred_channel == "sms" else [email, sms]
    return [recipient for recipient in order if recipient.address][:1]


def _staff_recipients(users: Iterable[User]) -> list[_Recipient]:
    recipients = []
    for user in users:
        label = f"user{user.pk}"
        recipients.append(_Recipient(NotificationChannel.IN_APP, label, user=user))
        if user.email:
            recipients.append(
                _Recipient(NotificationChannel.EMAIL, label, address=user.email, user=user)
            )
    return recipients


def organization_staff(organizations: Iterable["Organization"]) -> list[User]:
    """Active executors and supervisors bound to the organizations."""
    ids = [organization.pk for organization in organizations]
    if not ids:
        return []
    return list(
        User.objects.filter(
            is_active=True, role__in=ORGANIZATION_ROLES, organization_id__in=ids
        ).order_by("pk")
    )


def organization_heads(organization: "Organization") -> list[User]:
    """Supervisors of the organization or of a body above it (they decide on its requests)."""
    ids = []
    current: Organization | None = organization
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.parent
    return list(
        User.objects.filter(is_active=True, role=Role.SUPERVISOR, organization_id__in=ids).order_by(
            "pk"
        )
    )


def operators() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.OPERATOR).order_by("pk"))


def _base_context(appeal: "Appeal | None") -> dict[str, Any]:
    context: dict[str, Any] = {"public_url": settings.VIKNO_PUBLIC_URL.rstrip("/")}
    if appeal is not None:
        context.update(
            appeal=appeal,
            number=appeal.number,
            tracking_url=tracking_url(appeal),
            due_date=local_date(appeal.due_at).strftime("%d.%m.%Y"),
            staff_url=context["public_url"] + reverse("staff:appeal", args=[appeal.number]),
        )
    return context


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    # Keyed by the template's text: an edited template is compiled afresh.
    return Template(source)


def _render(source: str, context: dict[str, Any]) -> str:
    # Plain text for email and SMS bodies: no HTML escaping (the HTML part escapes).
    return _compiled(source).render(Context(context, autoescape=False)).strip()


@dataclass(frozen=True)
class Message:
    """One event to tell: what `notify` takes, for `notify_all`."""

    event: str
    key: str
    appeal: "Appeal | None" = None
    applicant: bool = False
    users: Sequence[User] = ()
    organizations: Sequence["Organization"] = ()
    context: dict[str, Any] | None = None


class _Templates:
    """The templates of each event, read once per event."""

    def __init__(self) -> None:
        self._by_event: dict[str, dict[str, NotificationTemplate]] = {}

    def of(self, event: str) -> dict[str, NotificationTemplate]:
        if event not in self._by_event:
            self._by_event[event] = {
                template.channel: template
                for template in NotificationTemplate.objects.filter(event=event)
            }
        return self._by_event[event]


def _outbox_rows(message: Message, templates: _Templates, moment: datetime) -> list[Notification]:
    recipients: list[_Recipient] = []
    if message.applicant:
        recipients += _applicant_recipients(message.appeal)
    staff = {user.pk: user for user in [*message.users, *organization_staff(message.organizations)]}
    recipients += _staff_recipients(staff[pk] for pk in sorted(staff))
    if not recipients:
        return []
    by_channel = templates.of(message.event)
    base = {**_base_context(message.appeal), **(message.context or {})}
    rows = []
    for recipient in recipients:
        template = by_channel.get(recipient.channel)
        if template is None:
            logger.warning(
                "No %s template for notification event %s", recipient.channel, message.event
            )
            continue
        values = {**base, "recipient": recipient.user}
        body = _render(template.body, values)
        subject = " ".join(_render(template.subject, values).split())
        html = ""
        if recipient.channel == NotificationChannel.EMAIL:
            html = render_to_string("notifications/email.html", {"subject": subject, "body": body})
        rows.append(
            Notification(
                key=f"{message.key}:{recipient.channel}:{recipient.label}",
                event=message.event,
                channel=recipient.channel,
                appeal=message.appeal,
                recipient_user=recipient.user,
                address=recipient.address,
                subject=subject,
                body_text=body,
                body_html=html,
                next_attempt_at=moment,
                created_at=moment,
            )
        )
    return rows


def notify(
    *,
    event: str,
    key: str,
    appeal: "Appeal | None" = None,
    applicant: bool = False,
    users: Iterable[User] = (),
    organizations: Iterable["Organization"] = (),
    context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Write the event's messages to the outbox and send them after commit.

    Recipients: the appeal's applicant (email if they gave one, else SMS), `users` and
    the executors and supervisors of `organizations` (in-app, and email if they have
    one). A channel without a template for the event is skipped. Keys are
    f"{key}:{channel}:{recipient}"; a key already in the outbox is not written again.
    Returns the outbox rows of these keys (new and earlier ones).
    """
    if _suppressed.get():
        return []
    message = Message(event, key, appeal, applicant, list(users), list(organizations), context)
    rows = _outbox_rows(message, _Templates(), now())
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    schedule_delivery()
    return list(Notification.objects.filter(key__in=[row.key for row in rows]).order_by("pk"))


def notify_all(messages: Iterable[Message]) -> int:
    """`notify` for many events at once (the sweeps): each event's templates read once,
    one INSERT, one delivery run. Returns how many outbox rows were offered (a key
    already in the outbox is not written again)."""
    if _suppressed.get():
        return 0
    templates, moment = _Templates(), now()
    rows = [row for message in messages for row in _outbox_rows(message, templates, moment)]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        schedule_delivery()
    return len(rows)


def _enqueue_delivery() -> None:
    from vikno.notifications.tasks import deliver_notifications

    deliver_notifications()


def schedule_delivery() -> None:
    """Queue a delivery run after the current transaction commits.

    Robust: if the queue cannot be reached the rows stay pending and the periodic sweep
    sends them; the change that notified is never undone by it. Once per transaction: a
    sweep that notifies a thousand times queues one run (each run sends everything due).
    """
    # A run already queued in this transaction is dropped only by a rollback that drops
    # the rows written now too: a savepoint it was queued in is either released (it can
    # no longer be rolled back alone) or still open around this point.
    if connection.in_atomic_block and any(
        entry[1] is _enqueue_delivery for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_delivery, robust=True)


# --- Delivery ---------------------------------------------------------------------------


def backoff() -> Sequence[timedelta]:
    """Waits before each retry; after the last one a failing message is given up."""
    return [timedelta(minutes=m) for m in settings.VIKNO_NOTIFICATION_BACKOFF_MINUTES]


def max_attempts() -> int:
    return len(backoff()) + 1


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


# How long a claimed row is kept from other workers while it is being sent.
CLAIM_LEASE = timedelta(minutes=10)


def _claim(limit: int, moment: datetime) -> list[Notification]:
    # Claim in a short transaction and send outside it: no lock (and on SQLite no write
    # lock) is held while a mail server is slow. The lease moves next_attempt_at ahead,
    # so a parallel worker skips these rows; SKIP LOCKED lets it take the next ones
    # instead of waiting. A worker that dies mid-batch leaves rows due again after the
    # lease.
    with transaction.atomic():
        due = Notification.objects.filter(
            state=NotificationState.PENDING, next_attempt_at__lte=moment
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=moment + CLAIM_LEASE)
    return list(Notification.objects.filter(pk__in=ids).select_related("appeal").order_by("pk"))


def deliver_due(limit: int = 100) -> DeliveryReport:
    """Send up to `limit` pending notifications whose time has come.

    A success marks the row sent with the provider's id; a failure counts the attempt
    and waits (1 min, 5 min, 30 min, 2 h, 12 h by default) or, after the last attempt or
    on an error marked `permanent`, marks the row failed. One failure never stops the
    batch.
    """
    report = DeliveryReport()
    waits = backoff()
    for notification in _claim(limit, now()):
        try:
            provider_id = channels.send(notification)
        except Exception as error:  # any failure of a channel is a failed attempt
            # Only the error's kind: its text may carry the address (personal data).
            logger.warning(
                "Notification %s not delivered: %s", notification.key, type(error).__name__
            )
            attempts = notification.attempts + 1
            moment = now()
            # A channel error that says retrying cannot help (`permanent`, e.g. an
            # invalid phone number) fails the row at once instead of after the backoff.
            if attempts >= max_attempts() or getattr(error, "permanent", False):
                changes: dict[str, Any] = {"state": NotificationState.FAILED}
                report.failed += 1
            else:
                changes = {"next_attempt_at": moment + waits[attempts - 1]}
                report.retried += 1
            Notification.objects.filter(pk=notification.pk, state=NotificationState.PENDING).update(
                attempts=attempts, last_error=str(error)[:2000] or repr(error), **changes
            )
            continue
        Notification.objects.filter(pk=notification.pk, state=NotificationState.PENDING).update(
            state=NotificationState.SENT,
            attempts=F("attempts") + 1,
            sent_at=now(),
            provider_id=str(provider_id or "")[:200],
            last_error="",
        )
        report.sent += 1
    return report


def notification_retry_now(*, notifications: Iterable[Notification]) -> int:
    """Send failed or waiting notifications again at once (an administrator's action).

    Sent ones are left alone. A failed one gets a fresh round of attempts.
    """
    ids = [notification.pk for notification in notifications]
    with transaction.atomic():
        count = (
            Notification.objects.filter(pk__in=ids)
            .exclude(state=NotificationState.SENT)
            .update(state=NotificationState.PENDING, attempts=0, next_attempt_at=now())
        )
        if count:
            schedule_delivery()
    return count


def notification_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's in-app notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(
        recipient_user=actor, channel=NotificationChannel.IN_APP, read_at__isnull=True
    )
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=now())
