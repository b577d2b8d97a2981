"""A demo load of 200 appeals, made once for the module's read-only tests.

The load runs in an outer transaction that is rolled back when the module is done; each
test's own transaction nests inside it as a savepoint, so nothing leaks to other tests.
"""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from vikno.core.clock import travel
from vikno.demo import data

# Every load in these tests happens "at" this moment, so two loads can be compared.
MOMENT = datetime(2026, 6, 15, 10, 30, tzinfo=ZoneInfo("Europe/Kyiv"))
DEMO_KEY = f"vk_{data.DEMO_API_KEY_PREFIX}_{data.DEMO_API_KEY_SECRET}"
EXPECTED_LEAVES = 82


def demo_load(appeals: int = 200) -> str:
    out = StringIO()
    with travel(MOMENT):
        call_command("demo_load", "--appeals", str(appeals), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = demo_load()
        yield output
        transaction.set_rollback(True)
