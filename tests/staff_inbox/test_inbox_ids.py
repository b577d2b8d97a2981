"""The inbox sorts ids only, reads its rows by id and counts each state once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.staff_inbox.test_inbox import INBOX, rows
from vikno.appeals.models import Assignment

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
    assert response.context["page"].paginator.count == 3
    on_assignments = [q["sql"] for q in queries if 'FROM "appeals_assignment"' in q["sql"]]
    # The tab counts (one aggregate), the page's ids, its rows: no separate COUNT(*).
    assert len(on_assignments) == 3
    assert not any(sql.startswith("SELECT COUNT(*)") for sql in on_assignments)
    assert on_assignments[1].startswith('SELECT "appeals_assignment"."id" AS "pk" FROM')
