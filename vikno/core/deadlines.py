"""Deadline arithmetic of the Law of Ukraine "On citizens' appeals" (art. 7 and 20).

Terms are counted in calendar days from the day of receipt: an appeal that needs no
additional study is decided "at once, and no later than fifteen days", others "within one
month"; the head may extend the term, but never past forty-five days in total. A term
ends at the end of its last local day. City-service requests carry per-category service
levels in hours, counted from the moment of receipt. The numbers live in
settings.VIKNO_TERMS.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.core.clock import end_of_local_day, hours_from, local_date


class Term(models.TextChoices):
    """Which term of art. 20 applies to an appeal."""

    SHORT = "short", _("up to 15 days (needs no additional study)")
    STANDARD = "standard", _("one month")
    SERVICE_LEVEL = "service_level", _("service level in hours")


@dataclass(frozen=True)
class Terms:
    short_days: int
    standard_months: int
    max_days: int
    forward_out_days: int
    due_soon_hours: int

    @classmethod
    def current(cls) -> "Terms":
        t = settings.VIKNO_TERMS
        return cls(
            short_days=t["SHORT_DAYS"],
            standard_months=t["STANDARD_MONTHS"],
            max_days=t["MAX_DAYS"],
            forward_out_days=t["FORWARD_OUT_DAYS"],
            due_soon_hours=t["DUE_SOON_HOURS"],
        )


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st of January plus a month is the last of February."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_at(*, term: str, received_at: datetime, service_level_hours: int | None = None) -> datetime:
    """When an appeal received at `received_at` must be decided under `term`."""
    terms = Terms.current()
    if term == Term.SERVICE_LEVEL:
        if not service_level_hours:
            raise ValueError("a service-level term needs the category's hours")
        return hours_from(received_at, service_level_hours)
    received = local_date(received_at)
    if term == Term.SHORT:
        return end_of_local_day(received + timedelta(days=terms.short_days))
    if term == Term.STANDARD:
        return end_of_local_day(add_months(received, terms.standard_months))
    raise ValueError(f"unknown term {term!r}")


def extension_limit(received_at: datetime) -> datetime:
    """The latest due time an extension may set: 45 days from receipt in total."""
    return end_of_local_day(local_date(received_at) + timedelta(days=Terms.current().max_days))


def forward_out_limit(received_at: datetime) -> datetime:
    """Art. 7: an appeal outside our competence is sent on within five days."""
    return end_of_local_day(
        local_date(received_at) + timedelta(days=Terms.current().forward_out_days)
    )


def due_soon_threshold(moment: datetime) -> datetime:
    """Appeals due before this moment (and not yet overdue) are "due soon"."""
    return hours_from(moment, Terms.current().due_soon_hours)


# --- working days (e-petitions, administrative services) -------------------------------
# Appeals are counted in calendar days (above) and never look at holidays. What the law
# counts in working days skips Saturdays, Sundays and the calendar of vikno.holidays (a
# transferred working Saturday counts as working). Under martial law the calendar is not
# applied (settings.VIKNO_HOLIDAYS_ARE_DAYS_OFF): Monday to Friday are the working days.


def _calendar_between(first: date, last: date) -> tuple[set[date], set[date]]:
    """Days off and working Saturdays listed in the calendar between two dates: one query."""
    if not settings.VIKNO_HOLIDAYS_ARE_DAYS_OFF:
        return set(), set()
    from vikno.holidays.models import Holiday, HolidayKind

    days_off: set[date] = set()
    working: set[date] = set()
    for day, kind in Holiday.objects.filter(date__range=(first, last)).values_list("date", "kind"):
        (working if kind == HolidayKind.WORKING_SATURDAY else days_off).add(day)
    return days_off, working


def add_working_days(day: date, n: int) -> date:
    """The `n`-th working day after `day` (`day` itself is not counted; n=0 gives `day`).

    The calendar is read once for a window wide enough for `n` working days (and once more
    for each further window in the unlikely case of a very long run of days off).
    """
    if n < 0:
        raise ValueError("add_working_days counts forward only")
    current, left = day, n
    while left:
        first = current + timedelta(days=1)
        last = current + timedelta(days=2 * left + 31)
        days_off, working = _calendar_between(first, last)
        while left and current < last:
            current += timedelta(days=1)
            if current in working or (current.weekday() < 5 and current not in days_off):
                left -= 1
    return current


def working_days_due(received_at: datetime, n: int) -> datetime:
    """The end of the `n`-th working day after the day of receipt."""
    return end_of_local_day(add_working_days(local_date(received_at), n))
