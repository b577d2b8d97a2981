"""The inbox sorts ids only, reads its rows by id and counts each state once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.staff_inbox.test_inbox import INBOX, rows
from vikno.appeals.models import Assignment
from vikno.core.paging import CappedCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def executor_client(client, flow):
    client.force_login(flow.executor)
    return client


def test_sorted_ids_then_rows_and_one_count(executor_client, flow, settings, monkeypatch):
    monkeypatch.setattr("vikno.staff.inbox.views.PAGE_SIZE", 2)
    made = [flow.forwarded(), flow.forwarded(), flow.accepted()]
    Assignment.objects.filter(appeal=made[0]).update(due_at=made[2].due_at)
    with CaptureQueriesContext(connection) as queries:
        response = executor_client.get(INBOX + "?page=2")
    expected = list(
        Assignment.objects.filter(appeal__in=made)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )
    assert rows(response) == expected[2:]
    assert response.context["page"].count == CappedCount(3)
    on_assignments = [q["sql"] for q in queries if 'FROM "appeals_assignment"' in q["sql"]]
    # The tab counts (one query, each capped), the page's ids, its rows: the page reuses
    # its tab's count.
    assert len(on_assignments) == 3
    assert on_assignments[0].count("LIMIT") == 5
    assert on_assignments[1].startswith('SELECT "appeals_assignment"."id" AS "pk" FROM')
