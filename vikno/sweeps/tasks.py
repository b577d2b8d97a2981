"""Durable-queue tasks of the deadline sweeps: thin wrappers around vikno.sweeps.services.

The crontabs are evaluated in UTC (HUEY["utc"]); the digest's local hour is checked by
the service itself, so a worker that was down at that hour sends the day's digest when
it comes back.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from vikno.sweeps.services import digest_sweep, escalations_sweep, reminders_sweep


def _all() -> None:
    reminders_sweep()
    escalations_sweep()
    digest_sweep()


@db_periodic_task(crontab(minute="*"))
def deadline_sweeps() -> None:
    """Every minute: reminders, escalations, and the daily digests once their hour came."""
    _all()


@db_task()
def deadline_sweeps_now() -> None:
    """The same, queued once when the worker starts (catch up after a stop)."""
    _all()
