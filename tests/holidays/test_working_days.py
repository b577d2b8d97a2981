"""Working-day arithmetic: weekends, the calendar of holidays and transfers, martial law;
and appeals, which stay in calendar days whatever the calendar says."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vikno.core.clock import end_of_local_day
from vikno.core.deadlines import (
    Term,
    add_working_days,
    due_at,
    extension_limit,
    working_days_due,
)
from vikno.holidays.models import Holiday, HolidayKind

pytestmark = pytest.mark.django_db


def kyiv(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.get_fixed_timezone(120))


def test_statutory_calendar_of_2026_and_2027_is_loaded():
    holidays = Holiday.objects.filter(kind=HolidayKind.HOLIDAY)
    assert sorted(h.date for h in holidays.filter(date__year=2026)) == [
        date(2026, 1, 1),
        date(2026, 3, 8),
        date(2026, 4, 12),  # Easter
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 31),  # Trinity, Easter + 49
        date(2026, 6, 28),
        date(2026, 7, 15),
        date(2026, 8, 24),
        date(2026, 10, 1),
        date(2026, 12, 25),
    ]
    assert holidays.get(date__year=2027, name__startswith="Великдень").date == date(2027, 5, 2)
    assert holidays.get(date__year=2027, name="Трійця").date == date(2027, 6, 20)
    # Art. 67: a holiday on a weekend moves the day off to the next working day.
    moved = Holiday.objects.filter(kind=HolidayKind.TRANSFERRED_DAY_OFF)
    assert sorted(h.date for h in moved) == [
        date(2026, 3, 9),
        date(2026, 4, 13),
        date(2026, 6, 1),
        date(2026, 6, 29),
        date(2027, 5, 3),
        date(2027, 5, 4),
        date(2027, 5, 10),
        date(2027, 6, 21),
        date(2027, 12, 27),
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Mon -> Tue
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Fri -> Mon
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Sat -> Mon
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # across a month end
        (date(2026, 9, 28), 5, date(2026, 10, 6)),  # 1 October, Defenders' Day, skipped
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas (Fri), weekend
        (date(2026, 12, 30), 2, date(2027, 1, 4)),  # year end, New Year (Fri), weekend
        (date(2026, 6, 26), 1, date(2026, 6, 30)),  # Constitution Day (Sun) moved to Mon 29
        (date(2027, 4, 30), 1, date(2027, 5, 5)),  # 1 and 2 May on a weekend: Mon, Tue off
        (date(2026, 11, 23), 10, date(2026, 12, 7)),  # petitions: ten working days
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_a_working_saturday_counts_and_an_added_day_off_is_skipped():
    Holiday.objects.create(
        date=date(2026, 11, 28), name="Робоча субота", kind=HolidayKind.WORKING_SATURDAY
    )
    Holiday.objects.create(
        date=date(2026, 11, 30), name="Перенесений вихідний", kind=HolidayKind.TRANSFERRED_DAY_OFF
    )
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 28)
    assert add_working_days(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_under_martial_law_holidays_are_working_days(settings):
    settings.VIKNO_HOLIDAYS_ARE_DAYS_OFF = False
    Holiday.objects.create(
        date=date(2026, 11, 28), name="Робоча субота", kind=HolidayKind.WORKING_SATURDAY
    )
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)
    assert add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 1)
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Saturday is off
    assert add_working_days(date(2026, 6, 26), 1) == date(2026, 6, 29)


def test_one_query_for_the_whole_range():
    with CaptureQueriesContext(connection) as queries:
        assert add_working_days(date(2026, 11, 23), 30) == date(2027, 1, 6)
    assert len(queries) == 1


def test_no_query_under_martial_law(settings):
    settings.VIKNO_HOLIDAYS_ARE_DAYS_OFF = False
    with CaptureQueriesContext(connection) as queries:
        assert add_working_days(date(2026, 11, 23), 30) == date(2027, 1, 4)
    assert len(queries) == 0


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="forward only"):
        add_working_days(date(2026, 11, 23), -1)


def test_working_days_due_is_the_end_of_the_local_day():
    # Received late on Friday 25 Dec 2026 (Christmas) Kyiv time: ten working days later.
    received = kyiv(2026, 12, 25, 23, 30)
    assert working_days_due(received, 10) == end_of_local_day(date(2027, 1, 11))


def test_appeal_terms_stay_calendar_days_whatever_the_calendar():
    received = kyiv(2026, 12, 20, 10, 0)
    # Fifteen calendar days: 4 January, though New Year and two weekends are inside.
    assert due_at(term=Term.SHORT, received_at=received) == end_of_local_day(date(2027, 1, 4))
    assert due_at(term=Term.STANDARD, received_at=received) == end_of_local_day(date(2027, 1, 20))
    # The 45-day cap is calendar days too: 3 February 2027.
    assert extension_limit(received) == end_of_local_day(date(2027, 2, 3))
    # The same fifteen in working days would end much later.
    assert working_days_due(received, 15) == end_of_local_day(date(2027, 1, 12))


def test_appeal_terms_do_not_read_the_calendar():
    received = kyiv(2026, 12, 20, 10, 0)
    with CaptureQueriesContext(connection) as queries:
        due_at(term=Term.SHORT, received_at=received)
        extension_limit(received)
    assert len(queries) == 0
