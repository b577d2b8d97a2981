"""`__among`: IN over our own codes written as literals, so partial indexes match."""

import pytest

from tests.staff_console.conftest import Steps
from vikno.appeals.choices import OPEN_STATUSES
from vikno.appeals.models import OPEN_CONDITION, Appeal

pytestmark = pytest.mark.django_db


def test_the_codes_are_in_the_sql_not_parameters():
    sql, params = Appeal.objects.filter(OPEN_CONDITION).values("pk").query.sql_with_params()
    assert "IN ('accepted', 'executed', 'forwarded', 'in_work', 'preprocessed'" in sql
    assert params == ()


def test_it_selects_what_in_selects(world):
    steps = Steps(world)
    made = [steps.registered(), steps.forwarded(), steps.closed()]
    among = set(Appeal.objects.filter(OPEN_CONDITION).values_list("pk", flat=True))
    within = set(Appeal.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    assert among == within == {made[0].pk, made[1].pk}


@pytest.mark.parametrize("values", [[], ["open'); DROP TABLE x; --"], ["Open"], [1]])
def test_anything_but_codes_is_refused(values):
    with pytest.raises(ValueError, match="__among takes"):
        list(Appeal.objects.filter(status__among=values))
