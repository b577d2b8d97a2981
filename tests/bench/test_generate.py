"""The benchmark generator writes rows the real models and selectors read consistently."""

import itertools
from datetime import timedelta

import pytest

from bench.generate import generate
from vikno.accounts.models import User
from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES, OPEN_STATUSES, Status
from vikno.appeals.models import Appeal, AppealEvent, Assignment, NumberSequence
from vikno.appeals.selectors import AppealFilter, appeal_history, appeal_list, inbox_counts
from vikno.appeals.services import appeal_register
from vikno.core.clock import now
from vikno.core.paging import CappedCount
from vikno.feedback.models import Rating
from vikno.reference.models import Category

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 400


@pytest.fixture
def summary():
    return generate(size=SIZE, seed=1)


def test_counts_and_shares_as_announced(summary):
    moment = now()
    assert summary["made"]["appeals"] == SIZE == Appeal.objects.count()
    assert summary["made"]["events"] == AppealEvent.objects.count()
    assert summary["made"]["assignments"] == Assignment.objects.count()
    assert summary["made"]["ratings"] == Rating.objects.count()
    assert Appeal.objects.open().count() == summary["open"]
    assert Appeal.objects.overdue(moment).count() == summary["overdue"]
    assert (
        Appeal.objects.due_soon(moment, moment + timedelta(hours=72)).count()
        == (summary["due_soon"])
    )
    # About 40 % open and 10 % due or overdue (seeded: these bounds hold for seed 1).
    assert 0.3 * SIZE < summary["open"] < 0.5 * SIZE
    assert 0.06 * SIZE < summary["overdue"] + summary["due_soon"] < 0.14 * SIZE
    received = Appeal.objects.values_list("received_at", flat=True)
    assert moment - timedelta(days=366) < min(received) and max(received) <= moment


def test_every_appeal_has_a_consistent_life(summary):
    for appeal in Appeal.objects.prefetch_related("assignments"):
        history = list(appeal_history(appeal))
        assert history[0].kind == "registered"
        assert history[0].created_at == appeal.received_at
        assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(history))
        assert appeal.due_at >= appeal.received_at
        leads = [a for a in appeal.assignments.all() if a.state in ACTIVE_ASSIGNMENT_STATES]
        if appeal.status in {Status.FORWARDED, Status.ACCEPTED, Status.IN_WORK}:
            assert len(leads) == 1
            assert leads[0].organization_id == appeal.executor_id
            assert leads[0].due_at == appeal.due_at
        else:
            assert leads == []
        if appeal.status in OPEN_STATUSES:
            assert appeal.closed_at is None
            assert history[-1].to_status == appeal.status
        else:
            assert appeal.received_at <= appeal.closed_at <= now()
            assert history[-1].to_status == appeal.status


def test_the_inbox_and_the_search_read_the_generated_rows(summary):
    executor = User.objects.get(username="bench-executor")
    active = Assignment.objects.filter(
        organization_id=executor.organization_id,
        state__in=sorted(ACTIVE_ASSIGNMENT_STATES),
        appeal__status__in=sorted(OPEN_STATUSES),
    ).count()
    counted = inbox_counts(executor.organization_id, now())["all"]
    assert counted == CappedCount(active) != CappedCount(0)
    pipes = appeal_list(AppealFilter(text="трубу"))
    assert pipes.count() > 0
    assert all("труб" in appeal.text.lower() for appeal in pipes)


def test_a_registration_after_the_load_takes_the_next_number(summary):
    year = now().year
    last = NumberSequence.objects.get(year=year).last
    assert Appeal.objects.filter(number=f"{year}-{last:07d}").exists()
    operator = User.objects.get(username="bench-operator")
    category = Category.objects.filter(children__isnull=True, is_active=True).first()
    appeal = appeal_register(
        actor=operator, kind="application", channel="phone", category=category, text="Тест"
    )
    assert appeal.number == f"{year}-{last + 1:07d}"
    assert appeal.pk == SIZE + 1
