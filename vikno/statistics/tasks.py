"""Durable-queue task of the statistics: the tallies kept fresh every minute, so a read
rarely has more than a minute of changes to fold in, and with the margin that catches
transactions committed late (vikno.statistics.services)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vikno.statistics.services import MARGIN, tallies_refresh


@db_periodic_task(crontab(minute="*"))
def tallies_refresh_task() -> None:
    tallies_refresh(margin=MARGIN)
