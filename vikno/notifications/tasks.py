"""Durable-queue tasks of notifications: thin wrappers around the delivery service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from vikno.notifications.services import deliver_due


@db_task()
def deliver_notifications() -> None:
    """Send what is due now (queued after commit by notify)."""
    deliver_due()


@db_periodic_task(crontab(minute="*"))
def deliver_notifications_sweep() -> None:
    """Every minute: retries whose backoff has passed, and rows whose queueing was lost."""
    deliver_due()
