"""The one place Vikno asks what time it is.

Every "now" goes through here so that tests can move time in one place and no naive
datetime is ever made.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

_travelled_to: ContextVar[datetime | None] = ContextVar("vikno_now", default=None)


def now() -> datetime:
    """The current aware moment (UTC inside, local when shown)."""
    return _travelled_to.get() or timezone.now()


@contextmanager
def travel(moment: datetime) -> Iterator[None]:
    """Make `now()` return `moment` inside the block (tests; demo data set in the past)."""
    if timezone.is_naive(moment):
        raise ValueError("travel() needs an aware datetime")
    token = _travelled_to.set(moment)
    try:
        yield
    finally:
        _travelled_to.reset(token)


def local_date(moment: datetime) -> date:
    """The calendar date of a moment in the installation's time zone (Europe/Kyiv)."""
    return timezone.localtime(moment).date()


def end_of_local_day(day: date) -> datetime:
    """The last second of a local calendar day, as an aware datetime."""
    last = datetime.combine(day, time(23, 59, 59))
    return timezone.make_aware(last, timezone.get_current_timezone())


def start_of_local_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def hours_from(moment: datetime, hours: int) -> datetime:
    """`hours` real hours after `moment`.

    Counted in UTC: Python adds a timedelta to a Europe/Kyiv datetime on the wall clock, so
    "24 hours" from noon before the spring change would be 23 real hours.
    """
    return moment.astimezone(UTC) + timedelta(hours=hours)
