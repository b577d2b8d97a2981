"""Durable-queue tasks of the exchange: thin wrappers around vikno.exchange.outbox."""

from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from vikno.core.clock import now
from vikno.exchange.outbox import deliver_all, deliver_peer


@db_task()
def deliver_exchange(peer_id: int) -> None:
    """Send the peer's pending messages (queued after commit, and as its own retry).

    A failed attempt schedules this task again at the message's retry time; a run that
    finds the peer busy with another worker looks again a second later, so a message
    written while that worker was finishing is not left for the sweep.
    """
    report = deliver_peer(peer_id)
    if report.retry_at is not None:
        _retry(peer_id, report.retry_at)
    elif report.busy:
        deliver_exchange.schedule(args=(peer_id,), delay=1)


@db_periodic_task(crontab(minute="*"))
def deliver_exchange_sweep() -> None:
    """Every minute: messages whose retry time has passed and whose queueing was lost."""
    for peer_id, report in deliver_all().items():
        if report.retry_at is not None:
            _retry(int(peer_id), report.retry_at)


def _retry(peer_id: int, at: datetime) -> None:
    # A delay rather than an eta: vikno.core.clock may be moved in tests, huey's is not.
    deliver_exchange.schedule(args=(peer_id,), delay=max((at - now()).total_seconds(), 0.1))
