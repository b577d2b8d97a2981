"""Deadline arithmetic of art. 7 and 20 of the Law "On citizens' appeals"."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import register_appeal
from vikno.appeals.models import Appeal, AppealEvent
from vikno.appeals.services import appeal_extend
from vikno.core import clock
from vikno.core.deadlines import (
    Term,
    add_months,
    due_at,
    due_soon_threshold,
    extension_limit,
    forward_out_limit,
)
from vikno.core.errors import ValidationFailed

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV)


def end_of_day_utc(day: date, offset_hours: int) -> datetime:
    """23:59:59 of a Kyiv day written in UTC, with the offset in force that day."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC) - timedelta(
        hours=offset_hours
    )


# --- the two terms of art. 20 -----------------------------------------------------------


def test_short_term_is_fifteen_days_to_the_end_of_the_day():
    due = due_at(term=Term.SHORT, received_at=kyiv(2026, 2, 3, 9, 30))
    assert due == end_of_day_utc(date(2026, 2, 18), 2)


def test_short_term_counts_the_kyiv_day_of_receipt_not_the_utc_one():
    # 23:30 on 3 Feb in Kyiv is still 3 Feb there, though 21:30 UTC; 00:30 on 4 Feb in Kyiv
    # is 22:30 UTC on 3 Feb, but the day of receipt is the 4th.
    assert due_at(term=Term.SHORT, received_at=kyiv(2026, 2, 3, 23, 30)) == end_of_day_utc(
        date(2026, 2, 18), 2
    )
    assert due_at(term=Term.SHORT, received_at=kyiv(2026, 2, 4, 0, 30)) == end_of_day_utc(
        date(2026, 2, 19), 2
    )
    assert due_at(
        term=Term.SHORT, received_at=datetime(2026, 2, 3, 22, 30, tzinfo=UTC)
    ) == end_of_day_utc(date(2026, 2, 19), 2)


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2028, 1, 29), date(2028, 2, 29)),
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 6, 15), date(2026, 7, 15)),
    ],
)
def test_one_month_ends_on_the_same_day_or_the_last_of_a_shorter_month(received, last_day):
    due = due_at(
        term=Term.STANDARD, received_at=kyiv(received.year, received.month, received.day, 12)
    )
    assert due == datetime(last_day.year, last_day.month, last_day.day, 23, 59, 59, tzinfo=KYIV)
    assert add_months(received, 1) == last_day


def test_add_months_across_years():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 31), 12) == date(2027, 5, 31)
    assert add_months(date(2026, 5, 31), 0) == date(2026, 5, 31)


def test_service_level_counts_hours_from_the_moment_of_receipt():
    received = datetime(2026, 5, 10, 14, 20, tzinfo=UTC)
    assert due_at(term=Term.SERVICE_LEVEL, received_at=received, service_level_hours=4) == (
        datetime(2026, 5, 10, 18, 20, tzinfo=UTC)
    )
    assert due_at(term=Term.SERVICE_LEVEL, received_at=received, service_level_hours=72) == (
        datetime(2026, 5, 13, 14, 20, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    "received",
    [kyiv(2026, 3, 28, 12, 0), kyiv(2026, 10, 24, 12, 0)],
    ids=["spring-forward", "fall-back"],
)
def test_service_level_hours_are_real_hours_across_a_dst_change(received):
    # 24 hours of work, not "the same wall-clock time tomorrow": on 29 March the clock
    # jumps forward, on 25 October back.
    due = due_at(term=Term.SERVICE_LEVEL, received_at=received, service_level_hours=24)
    assert due.astimezone(UTC) - received.astimezone(UTC) == timedelta(hours=24)
    assert due_soon_threshold(received).astimezone(UTC) - received.astimezone(UTC) == timedelta(
        hours=72
    )


def test_service_level_needs_hours():
    with pytest.raises(ValueError, match="hours"):
        due_at(term=Term.SERVICE_LEVEL, received_at=kyiv(2026, 5, 1, 10))


def test_unknown_term_is_an_error():
    with pytest.raises(ValueError, match="unknown term"):
        due_at(term="forever", received_at=kyiv(2026, 5, 1, 10))


# --- the end of a local day across DST --------------------------------------------------------


def test_short_term_ending_after_the_spring_change_ends_at_2059_utc():
    # Received in winter time (UTC+2), due on 4 April in summer time (UTC+3).
    due = due_at(term=Term.SHORT, received_at=kyiv(2026, 3, 20, 10))
    assert due == datetime(2026, 4, 4, 20, 59, 59, tzinfo=UTC)
    assert due.astimezone(KYIV).timetuple()[:6] == (2026, 4, 4, 23, 59, 59)


def test_short_term_ending_after_the_autumn_change_ends_at_2159_utc():
    due = due_at(term=Term.SHORT, received_at=kyiv(2026, 10, 20, 10))
    assert due == datetime(2026, 11, 4, 21, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        (date(2026, 3, 28), datetime(2026, 3, 28, 21, 59, 59, tzinfo=UTC)),
        (date(2026, 3, 29), datetime(2026, 3, 29, 20, 59, 59, tzinfo=UTC)),  # the change day
        (date(2026, 10, 24), datetime(2026, 10, 24, 20, 59, 59, tzinfo=UTC)),
        (date(2026, 10, 25), datetime(2026, 10, 25, 21, 59, 59, tzinfo=UTC)),  # the change day
    ],
)
def test_end_of_local_day_on_and_around_dst_changes(day, expected_utc):
    assert clock.end_of_local_day(day) == expected_utc
    assert clock.local_date(expected_utc) == day
    assert clock.local_date(expected_utc + timedelta(seconds=1)) == day + timedelta(days=1)


# --- art. 7 and the 45-day cap --------------------------------------------------------------


def test_extension_limit_is_45_days_from_receipt():
    assert extension_limit(kyiv(2026, 1, 10, 8)) == kyiv(2026, 2, 24, 23, 59, 59)
    # Across the spring change: 2 March + 45 days = 16 April, summer time.
    assert extension_limit(kyiv(2026, 3, 2, 11)) == datetime(2026, 4, 16, 20, 59, 59, tzinfo=UTC)


def test_forward_out_limit_is_five_days_from_receipt():
    assert forward_out_limit(kyiv(2026, 5, 1, 16)) == kyiv(2026, 5, 6, 23, 59, 59)


# --- terms are settings ------------------------------------------------------------------------


def test_terms_are_read_from_settings(settings):
    received = kyiv(2026, 5, 1, 10)
    assert due_at(term=Term.SHORT, received_at=received) == kyiv(2026, 5, 16, 23, 59, 59)
    settings.VIKNO_TERMS = {
        **settings.VIKNO_TERMS,
        "SHORT_DAYS": 10,
        "STANDARD_MONTHS": 2,
        "MAX_DAYS": 60,
        "FORWARD_OUT_DAYS": 3,
        "DUE_SOON_HOURS": 24,
    }
    assert due_at(term=Term.SHORT, received_at=received) == kyiv(2026, 5, 11, 23, 59, 59)
    assert due_at(term=Term.STANDARD, received_at=received) == kyiv(2026, 7, 1, 23, 59, 59)
    assert extension_limit(received) == kyiv(2026, 6, 30, 23, 59, 59)
    assert forward_out_limit(received) == kyiv(2026, 5, 4, 23, 59, 59)
    assert due_soon_threshold(received) == received + timedelta(hours=24)


# --- properties --------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, KYIV]),
)
standard_terms = st.sampled_from([Term.SHORT, Term.STANDARD])


@given(received=moments, term=standard_terms)
def test_due_is_after_receipt_and_ends_a_local_day(received, term):
    due = due_at(term=term, received_at=received)
    assert due >= received
    assert due.astimezone(KYIV).time().isoformat() == "23:59:59"


@given(received=moments)
def test_standard_term_is_one_month_never_over_31_days(received):
    received_day = clock.local_date(received)
    due_day = clock.local_date(due_at(term=Term.STANDARD, received_at=received))
    assert 28 <= (due_day - received_day).days <= 31
    assert due_day.month == (received_day.month % 12) + 1


@given(received=moments, term=standard_terms)
def test_extension_limit_is_never_before_either_term(received, term):
    assert extension_limit(received) >= due_at(term=term, received_at=received)
    assert (clock.local_date(extension_limit(received)) - clock.local_date(received)).days == 45


@given(received=moments, hours=st.integers(min_value=1, max_value=24 * 31))
def test_service_level_is_exactly_the_hours(received, hours):
    due = due_at(term=Term.SERVICE_LEVEL, received_at=received, service_level_hours=hours)
    assert due.astimezone(UTC) - received.astimezone(UTC) == timedelta(hours=hours)


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_end_of_local_day_is_the_last_second_of_that_day(day):
    end = clock.end_of_local_day(day)
    assert clock.local_date(end) == day
    assert clock.local_date(end + timedelta(seconds=1)) == day + timedelta(days=1)
    assert clock.start_of_local_day(day) <= end


# --- the cap applied by the extension service -----------------------------------------------


@pytest.mark.parametrize(
    "received",
    [
        kyiv(2026, 3, 2, 11, 0),  # the cap falls after the spring change
        kyiv(2026, 9, 20, 23, 30),  # late evening; the cap falls after the autumn change
        kyiv(2028, 1, 20, 0, 5),  # just after local midnight, leap year
    ],
)
def test_extension_exactly_to_the_cap_is_allowed_a_second_later_is_not(world, received):
    with clock.travel(received):
        appeal = register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    supervisor = world["users"]["supervisor"]
    cap = extension_limit(received)
    assert clock.local_date(cap) == clock.local_date(received) + timedelta(days=45)

    with pytest.raises(ValidationFailed) as exc:
        appeal_extend(actor=supervisor, appeal=appeal, due=cap + timedelta(seconds=1), reason="x")
    assert exc.value.code == "term_exceeds_limit"
    assert Appeal.objects.get(pk=appeal.pk).due_at == appeal.due_at
    assert AppealEvent.objects.filter(appeal=appeal).count() == 1

    with clock.travel(received + timedelta(days=1)):
        appeal_extend(
            actor=supervisor, appeal=appeal, due=cap, reason="Потрібна перевірка на місці"
        )
    assert Appeal.objects.get(pk=appeal.pk).due_at == cap

    with pytest.raises(ValidationFailed) as exc:
        appeal_extend(actor=supervisor, appeal=appeal, due=cap - timedelta(days=1), reason="x")
    assert exc.value.code == "validation_error"
    assert Appeal.objects.get(pk=appeal.pk).due_at == cap
