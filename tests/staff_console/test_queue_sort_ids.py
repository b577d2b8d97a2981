"""The queue page sorts ids only, then reads its rows by id, in the sorted order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.staff_console.test_queue_queries import build
from vikno.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def test_the_sort_reads_ids_only_and_the_rows_keep_its_order(client, world):
    client.force_login(world["users"]["operator"])
    build(world, 60, start=0)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/queues/open/?sort=due&page=2")
    sorted_reads = [
        q["sql"] for q in queries if 'ORDER BY "appeals_appeal"."due_at" ASC' in q["sql"]
    ]
    assert len(sorted_reads) == 1
    # Only the id is selected (SQLite spells it with an alias, PostgreSQL without).
    assert re.match(r'SELECT "appeals_appeal"\."id"( AS "pk")? FROM', sorted_reads[0])
    rows = [row.appeal for row in response.context["rows"]]
    expected = sorted(Appeal.objects.open(), key=lambda a: (a.due_at, a.pk))[25:50]
    assert [a.pk for a in rows] == [a.pk for a in expected] and len(rows) == 25
    assert rows[0].category.name  # with what the row shows, read with the row
