"""The one urgency rule the inbox and the control board colour deadlines by."""

from datetime import UTC, datetime, timedelta

import pytest

from vikno.staff.urgency import urgency

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 11:00 in Kyiv


@pytest.mark.parametrize(
    ("due", "level", "css_class"),
    [
        (NOW - timedelta(seconds=1), "overdue", "urgency--overdue"),
        (NOW - timedelta(days=3), "overdue", "urgency--overdue"),
        (NOW, "today", "urgency--today"),
        (NOW + timedelta(hours=23, minutes=59), "today", "urgency--today"),
        # Tomorrow 13:00 in Kyiv: more than 24 hours ahead, within the 72-hour due-soon window.
        (NOW + timedelta(hours=26), "soon", "urgency--soon"),
        (NOW + timedelta(hours=71, minutes=59), "soon", "urgency--soon"),
        (NOW + timedelta(hours=72), "later", "urgency--later"),
        (NOW + timedelta(days=20), "later", "urgency--later"),
    ],
)
def test_levels(due, level, css_class):
    found = urgency(due, NOW)
    assert (found.level, found.css_class) == (level, css_class)
    assert str(found) == str(found.label)


def test_the_end_of_today_is_today_even_late_at_night():
    late = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 23:00 in Kyiv
    end_of_today = datetime(2026, 3, 2, 21, 59, 59, tzinfo=UTC)
    assert urgency(end_of_today, late).level == "today"
    assert urgency(end_of_today, NOW).level == "today"


def test_the_due_soon_window_is_the_setting(settings):
    settings.VIKNO_TERMS = {**settings.VIKNO_TERMS, "DUE_SOON_HOURS": 48}
    assert urgency(NOW + timedelta(hours=47), NOW).level == "soon"
    assert urgency(NOW + timedelta(hours=49), NOW).level == "later"
