"""appeal_counts: appeals of a period per category, executor and territory (daily tallies)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.factories import register_appeal
from vikno.core.clock import travel
from vikno.statistics.selectors import appeal_counts

pytestmark = pytest.mark.django_db


def kyiv(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.get_fixed_timezone(120))


@pytest.fixture
def appeals(flow, world):
    """In November: two on water in the district (one forwarded to the water utility), one
    pothole without a territory; on 31 October (local) one more on water: outside."""
    with travel(kyiv(2026, 11, 1, 0, 30)):
        flow.forwarded(territory=world["district"])
        register_appeal(
            actor=flow.operator, category=world["no_water"], territory=world["district"]
        )
    with travel(kyiv(2026, 11, 30, 23, 30)):
        register_appeal(actor=flow.operator, category=world["pothole"])
    with travel(kyiv(2026, 10, 31, 23, 30)):
        register_appeal(actor=flow.operator, category=world["no_water"])


def test_counts_per_dimension_of_the_period_only(appeals, world):
    november = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}
    by_category = appeal_counts(by="category", **november)
    assert by_category == [(world["no_water"].pk, 2), (world["pothole"].pk, 1)]
    assert appeal_counts(by="executor", **november) == [(None, 2), (world["water"].pk, 1)]
    assert appeal_counts(by="territory", **november) == [(world["district"].pk, 2), (None, 1)]


def test_no_appeals_no_rows(world):
    assert appeal_counts(by="category", date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)) == []


def test_unknown_dimension_is_refused(world):
    with pytest.raises(ValueError):
        appeal_counts(by="channel", date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
