"""Durable-queue tasks of the deadline sweeps: thin wrappers around vikno.sweeps.services.

The consumer checks periodic tasks when it starts and then every minute, so a worker
that was stopped sweeps as soon as it is back. The crontab is in UTC (HUEY["utc"]); the
digest's local hour is checked by digest_sweep itself, so a worker that was down at that
hour sends the day's digest when it comes back.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vikno.sweeps.services import digest_sweep, escalations_sweep, reminders_sweep


@db_periodic_task(crontab(minute="*"))
def deadline_sweeps() -> None:
    """Every minute: reminders, escalations, and the daily digests once their hour came."""
    reminders_sweep()
    escalations_sweep()
    digest_sweep()
