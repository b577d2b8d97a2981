"""The queue pages make a small, fixed number of queries, with 30 appeals or 1,000."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import applicant_data
from vikno.appeals import services
from vikno.appeals.choices import Channel, Kind
from vikno.core.clock import now, travel
from vikno.core.paging import CappedCount
from vikno.staff.queues.counts import QUEUES

PAGES = [f"/staff/queues/{q.slug}/" for q in QUEUES] + [
    "/staff/queues/open/?sort=priority&q=Соборна",
    "/staff/queues/open/?category=housing&organization=city&territory=center&channel=phone",
    "/staff/queues/open/?page=3",
]
# Session and user, the menu's count, the tab counts, the filter choices (categories,
# organizations, territories), the page's count, ids and rows: 10. Each tree filter adds a query
# per level of its tree (the category, organization and territory subtrees): a few more.
MAX_QUERIES = 20


def build(world, count: int, start: int) -> None:
    """`count` appeals through the services in one transaction, of varied kinds and ages;
    every tenth is pre-processed and forwarded."""
    operator = world["users"]["operator"]
    categories = [world["no_water"], world["pothole"]]
    with transaction.atomic():
        for i in range(start, start + count):
            with travel(now() - timedelta(hours=i % 100)):
                appeal = services.appeal_register(
                    actor=operator,
                    kind=[Kind.SERVICE_REQUEST, Kind.COMPLAINT, Kind.APPLICATION][i % 3],
                    channel=[Channel.PHONE, Channel.WEB, Channel.EMAIL][i % 3],
                    category=categories[i % 2],
                    territory=world["district"] if i % 4 == 0 else None,
                    text=f"Звернення номер {i}",
                    address=f"вул. Соборна, {i % 40}",
                    applicant=applicant_data(name=f"Заявник {i}", phone=f"067{i:07d}"),
                )
            if i % 10 == 0:
                appeal = services.appeal_preprocess(actor=operator, appeal=appeal)
                services.appeal_forward(actor=operator, appeal=appeal)


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


@pytest.mark.parametrize("role", ["operator", "analyst"])
def test_queue_pages_do_not_query_per_row(client, world, role, django_assert_max_num_queries):
    client.force_login(world["users"][role])
    build(world, 30, start=0)
    few = queries_per_page(client)

    build(world, 970, start=30)
    many = queries_per_page(client)

    assert many == few
    assert max(many.values()) <= MAX_QUERIES
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/staff/queues/open/?sort=due")
    assert response.context["page"].count == CappedCount(1000)
    assert len(response.context["rows"]) == 25


def test_counts_are_one_query(world, django_assert_num_queries):
    from vikno.staff.queues.counts import queue_counts

    build(world, 40, start=0)

    with django_assert_num_queries(1):
        counts = queue_counts(world["users"]["operator"])
    assert counts["open"] == CappedCount(40)
    assert counts["preprocess"] == CappedCount(36)
