"""The queue counts read open appeals only; the menu's badge counts its one queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.staff_console.test_queue_queries import build
from vikno.appeals import services
from vikno.appeals.choices import RejectionReason
from vikno.appeals.models import Appeal
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.paging import CappedCount
from vikno.staff.queues.counts import queue_count, queue_counts

pytestmark = pytest.mark.django_db


def test_counts_over_open_appeals_and_the_badge(world):
    build(world, 20, start=0)
    operator = world["users"]["operator"]
    for appeal in Appeal.objects.filter(status="registered").order_by("pk")[:3]:
        services.appeal_reject(
            actor=operator, appeal=appeal, reason=RejectionReason.INCOMPLETE, comment="Без суті."
        )
    moment = now()
    with CaptureQueriesContext(connection) as queries:
        counts = queue_counts(operator, moment=moment)
    soon = due_soon_threshold(moment)
    assert {slug: count.value for slug, count in counts.items()} == {
        "preprocess": 15,
        "returned": 0,
        "verification": 0,
        "due-soon": Appeal.objects.due_soon(moment, soon).count(),
        "overdue": Appeal.objects.overdue(moment).count(),
        "open": 17,
    }
    # One query: each queue's count reads at most cap + 1 rows of its own condition.
    assert len(queries) == 1
    assert queries[0]["sql"].count("LIMIT 1001") == len(counts) == 6
    with CaptureQueriesContext(connection) as queries:
        assert queue_count(operator, "preprocess") == CappedCount(15)
    assert len(queries) == 1 and queries[0]["sql"].count("COUNT(*)") == 1
    assert queue_count(world["users"]["executor"], "preprocess") is None
