"""Outbound exchange: messages written in the transaction of the change, then delivered.

`event_recorded` is called by vikno.appeals.services._event for every history row, so
an outbox message commits or rolls back together with the change it reports:

- an appeal forwarded to the organization of a downstream peer → an "appeal" message;
- a status change of an appeal that an upstream peer handed down to us → an "update".

`deliver_peer` sends one peer's pending messages strictly in `seq` order and stops at
the first one that cannot be sent now; a lease on the peer row keeps a second worker
from sending the same peer's messages at the same time.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from vikno.appeals.choices import Channel, EventKind
from vikno.core.clock import now
from vikno.exchange.models import (
    ExchangeLink,
    LinkDirection,
    MessageKind,
    MessageState,
    OutboxMessage,
    Peer,
)
from vikno.exchange.signing import FORMAT
from vikno.integrations.exchange import client
from vikno.integrations.exchange.exceptions import ExchangeError

if TYPE_CHECKING:
    from vikno.appeals.models import Appeal, AppealEvent

logger = logging.getLogger(__name__)

APPEALS_PATH = "/api/v1/exchange/appeals"
UPDATES_PATH = "/api/v1/exchange/updates"
PATHS = {MessageKind.APPEAL: APPEALS_PATH, MessageKind.UPDATE: UPDATES_PATH}
# How long one delivery run may hold a peer before another worker may take it over.
LEASE = timedelta(minutes=2)


# --- Writing messages (inside the caller's transaction) ---------------------------------


def event_recorded(event: "AppealEvent") -> None:
    """Queue what this history row means for our peers (no query for most rows)."""
    appeal = event.appeal
    if event.kind == EventKind.FORWARDED and appeal.executor_id is not None:
        peer = Peer.objects.filter(
            organization_id=appeal.executor_id, is_downstream=True, is_active=True
        ).first()
        if peer is not None:
            _hand_down(peer, appeal, event)
    # Only appeals handed down to us (channel "upstream") have an inbound link: the other
    # appeals' status changes cost no query here.
    if (
        appeal.channel == Channel.UPSTREAM
        and event.from_status
        and event.from_status != event.to_status
    ):
        links = ExchangeLink.objects.filter(
            appeal_id=appeal.pk,
            direction=LinkDirection.IN,
            peer__is_active=True,
            peer__is_upstream=True,
        ).select_related("peer")
        for link in links:
            _report_up(link, appeal, event)


def _hand_down(peer: Peer, appeal: "Appeal", event: "AppealEvent") -> None:
    ExchangeLink.objects.get_or_create(
        peer=peer, appeal=appeal, direction=LinkDirection.OUT, defaults={"created_at": now()}
    )
    applicant = appeal.applicant
    payload = {
        "format": FORMAT,
        "type": MessageKind.APPEAL,
        "external_number": appeal.number,
        "source": settings.VIKNO_EXCHANGE_OWN_CODE,
        "kind": appeal.kind,
        "category": appeal.category.code,
        "territory": appeal.territory.code if appeal.territory else "",
        "text": appeal.text,
        "address": appeal.address,
        "received_at": appeal.received_at.isoformat(),
        "due_at": appeal.due_at.isoformat(),
        "instruction": event.comment,
        "applicant": {
            "name": applicant.name if applicant else "",
            "phone": applicant.phone if applicant else "",
            "email": applicant.email if applicant else "",
            "postal_address": applicant.address if applicant else "",
        },
        # Our files are not reachable from outside: sent by name only (docs/exchange.md).
        "attachments": [
            {"url": "", "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in appeal.attachments.all()
        ],
    }
    _write(peer, MessageKind.APPEAL, appeal, payload)


def _report_up(link: ExchangeLink, appeal: "Appeal", event: "AppealEvent") -> None:
    payload = {
        "format": FORMAT,
        "type": MessageKind.UPDATE,
        "external_number": link.external_number,
        "number": appeal.number,
        "status": appeal.status,
        "outcome": appeal.outcome,
        "answer": appeal.answer if appeal.answered_at else "",
        "event": event.kind,
        "at": event.created_at.isoformat(),
    }
    _write(link.peer, MessageKind.UPDATE, appeal, payload)


def _write(peer: Peer, kind: str, appeal: "Appeal", payload: dict[str, Any]) -> OutboxMessage:
    # The next seq under the peer's row lock (the UPDATE takes it until commit): two
    # transactions writing to the same peer get increasing numbers in commit order.
    with transaction.atomic():
        Peer.objects.filter(pk=peer.pk).update(last_seq=F("last_seq") + 1)
        seq = Peer.objects.values_list("last_seq", flat=True).get(pk=peer.pk)
        moment = now()
        message = OutboxMessage.objects.create(
            peer=peer,
            seq=seq,
            kind=kind,
            appeal=appeal,
            payload=payload,
            idempotency_key=f"{settings.VIKNO_EXCHANGE_OWN_CODE}-{uuid.uuid4().hex}",
            next_attempt_at=moment,
            created_at=moment,
        )
    schedule_delivery(peer.pk)
    return message


def _enqueue(peer_id: int) -> None:
    from vikno.exchange.tasks import deliver_exchange

    deliver_exchange(peer_id)


def schedule_delivery(peer_id: int) -> None:
    """Queue a delivery run for the peer after commit; if the queue is unreachable the
    periodic sweep sends the message, and the change is never undone by it."""
    transaction.on_commit(lambda: _enqueue(peer_id), robust=True)


# --- Delivery -----------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts: BASE * 2**(attempts-1), capped at MAX."""
    conf = settings.VIKNO_EXCHANGE
    seconds = conf["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf["BACKOFF_MAX_SECONDS"]))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retry_at: datetime | None = None  # set when an attempt failed: retry then
    waiting: bool = False  # the next message waits for a retry already scheduled
    busy: bool = False  # another worker holds the peer's lease


def _take_lease(peer_id: int, moment: datetime) -> bool:
    # A conditional UPDATE is atomic on every database: exactly one worker gets the row.
    return bool(
        Peer.objects.filter(pk=peer_id)
        .filter(Q(delivering_until__isnull=True) | Q(delivering_until__lt=moment))
        .update(delivering_until=moment + LEASE)
    )


def deliver_peer(peer_id: int, limit: int = 500) -> DeliveryReport:
    """Send the peer's pending messages in seq order; stop at the first that must wait."""
    report = DeliveryReport()
    if not _take_lease(peer_id, now()):
        report.busy = True
        return report
    try:
        peer = Peer.objects.get(pk=peer_id)
        if not peer.is_active:
            return report
        for _ in range(limit):
            message = (
                OutboxMessage.objects.filter(peer=peer, state=MessageState.PENDING)
                .order_by("seq")
                .first()
            )
            if message is None:
                break
            if message.next_attempt_at > now():
                report.waiting = True
                break
            # Renew the lease before each (possibly slow) attempt.
            Peer.objects.filter(pk=peer_id).update(delivering_until=now() + LEASE)
            if not _send(peer, message, report):
                break
    finally:
        Peer.objects.filter(pk=peer_id).update(delivering_until=None)
    return report


def _send(peer: Peer, message: OutboxMessage, report: DeliveryReport) -> bool:
    """One attempt; True when the next message may be sent."""
    body = json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()
    try:
        answer = client.post(
            base_url=peer.base_url,
            path=PATHS[MessageKind(message.kind)],
            body=body,
            peer_code=settings.VIKNO_EXCHANGE_OWN_CODE,
            secret=peer.secret,
            idempotency_key=message.idempotency_key,
            timeout=settings.VIKNO_EXCHANGE["TIMEOUT"],
        )
    except ExchangeError as error:
        attempts = message.attempts + 1
        moment = now()
        logger.warning(
            "Exchange message %s#%s not delivered (attempt %s): %s",
            peer.code,
            message.seq,
            attempts,
            error,
        )
        if error.retry:
            retry_at = moment + backoff(attempts)
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=attempts, next_attempt_at=retry_at, last_error=str(error)[:300]
            )
            report.retry_at = retry_at
            return False
        # Refused as it is (e.g. a category the peer does not know): it is kept as failed
        # for an administrator to see and send again; the next messages go on.
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=attempts, state=MessageState.FAILED, last_error=str(error)[:300]
        )
        report.failed += 1
        return True
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=MessageState.SENT,
            attempts=F("attempts") + 1,
            sent_at=now(),
            last_error="409 replay" if answer.replayed else "",
        )
        number = str(answer.body.get("number", ""))[:100]
        if message.kind == MessageKind.APPEAL and number and message.appeal_id:
            ExchangeLink.objects.filter(
                peer=peer,
                appeal_id=message.appeal_id,
                direction=LinkDirection.OUT,
                external_number="",
            ).update(external_number=number)
    report.sent += 1
    return True


def deliver_all() -> dict[str, DeliveryReport]:
    """One delivery run for every active peer with pending messages due (the sweep)."""
    peer_ids = (
        OutboxMessage.objects.filter(
            state=MessageState.PENDING, peer__is_active=True, next_attempt_at__lte=now()
        )
        .values_list("peer_id", flat=True)
        .distinct()
    )
    return {str(pk): deliver_peer(pk) for pk in sorted(set(peer_ids))}


def message_retry(*, messages: list[OutboxMessage]) -> int:
    """Put failed or waiting messages back to be sent at once (an administrator's action)."""
    ids = [m.pk for m in messages]
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.filter(pk__in=ids)
            .exclude(state=MessageState.SENT)
            .values_list("pk", "peer_id")
        )
        OutboxMessage.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            state=MessageState.PENDING, next_attempt_at=now()
        )
        for peer_id in {peer_id for _, peer_id in rows}:
            schedule_delivery(peer_id)
    return len(rows)
