"""Registration numbers: YYYY-NNNNNNN, sequential per (local) year, never burned by a
rolled-back registration, unique and gap-free under concurrent registrations."""

import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connections, transaction

from tests.factories import register_appeal
from vikno.appeals import services
from vikno.appeals.choices import AssignmentRole, EventKind, Status
from vikno.appeals.models import Appeal, AppealEvent, Assignment, NumberSequence
from vikno.appeals.numbering import format_number, number_allocate
from vikno.core import clock
from vikno.core.clock import travel
from vikno.core.errors import InvalidTransition

THREADS = 8
PER_THREAD = 5


def register(flow, **overrides):
    return register_appeal(actor=flow.operator, category=flow.world["no_water"], **overrides)


def test_numbers_are_sequential_and_formatted(flow):
    with travel(datetime(2026, 4, 1, 9, tzinfo=UTC)):
        numbers = [register(flow).number for _ in range(3)]
    assert numbers == ["2026-0000001", "2026-0000002", "2026-0000003"]
    assert all(re.fullmatch(r"\d{4}-\d{7}", n) for n in numbers)
    assert NumberSequence.objects.get(year=2026).last == 3


def test_format_number():
    assert format_number(2026, 1234) == "2026-0001234"
    assert format_number(2027, 9999999) == "2027-9999999"


def test_a_new_local_year_starts_at_one(flow):
    # 23:30 on 31 December in Kyiv, then 00:10 on 1 January in Kyiv (still 31 Dec in UTC).
    with travel(datetime(2026, 12, 31, 21, 30, tzinfo=UTC)):
        assert register(flow).number == "2026-0000001"
        assert register(flow).number == "2026-0000002"
    with travel(datetime(2026, 12, 31, 22, 10, tzinfo=UTC)):
        assert register(flow).number == "2027-0000001"
        # An appeal received last year and registered late takes last year's next number.
        late = register(flow, received_at=datetime(2026, 12, 30, 12, tzinfo=UTC))
        assert late.number == "2026-0000003"
        assert register(flow).number == "2027-0000002"


def test_a_rolled_back_registration_gives_its_number_back(flow, monkeypatch):
    with travel(datetime(2026, 4, 1, 9, tzinfo=UTC)):
        assert register(flow).number == "2026-0000001"

        # The caller's transaction fails after the registration.
        with pytest.raises(RuntimeError), transaction.atomic():
            assert register(flow).number == "2026-0000002"
            raise RuntimeError("the caller failed")

        # The registration itself fails after taking a number (writing its history).
        def broken_event(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(services, "_event", broken_event)
        with pytest.raises(RuntimeError):
            register(flow)
        monkeypatch.undo()

        assert register(flow).number == "2026-0000002"
    assert list(Appeal.objects.order_by("number").values_list("number", flat=True)) == [
        "2026-0000001",
        "2026-0000002",
    ]
    assert NumberSequence.objects.get(year=2026).last == 2


def test_number_allocate_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        number_allocate(year=2026)
    assert NumberSequence.objects.count() == 0


def _run_in_threads(count, work):
    """Run `work(i)` in `count` threads started together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_unique_gap_free_numbers(flow):
    year = clock.local_date(clock.now()).year

    def work(i):
        return [
            register(flow, text=f"Немає води, потік {i}, звернення {n}.").number
            for n in range(PER_THREAD)
        ]

    results, errors = _run_in_threads(THREADS, work)
    assert errors == []
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == [format_number(year, i) for i in range(1, THREADS * PER_THREAD + 1)]
    # Each thread saw its own numbers rising.
    assert all(batch == sorted(batch) for batch in results)
    assert Appeal.objects.count() == THREADS * PER_THREAD
    assert NumberSequence.objects.get(year=year).last == THREADS * PER_THREAD
    assert AppealEvent.objects.filter(kind=EventKind.REGISTERED).count() == THREADS * PER_THREAD


@pytest.mark.django_db(transaction=True)
def test_concurrent_forwarding_of_one_appeal_forwards_it_once(flow):
    appeal = flow.preprocessed()
    targets = [flow.world["water"], flow.world["roads"]] * (THREADS // 2)

    def work(i):
        return services.appeal_forward(actor=flow.operator, appeal=appeal, organization=targets[i])

    results, errors = _run_in_threads(THREADS, work)
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, InvalidTransition) for e in errors), errors
    appeal.refresh_from_db()
    assert appeal.status == Status.FORWARDED
    active = Assignment.objects.filter(appeal=appeal, role=AssignmentRole.LEAD, state="pending")
    assert active.count() == 1
    assert Assignment.objects.filter(appeal=appeal).count() == 1
    assert active.get().organization == appeal.executor
    assert appeal.events.filter(kind=EventKind.FORWARDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptance_of_one_appeal_accepts_it_once(flow):
    appeal = flow.forwarded()

    def work(i):
        return services.appeal_accept(actor=flow.executor, appeal=appeal)

    results, errors = _run_in_threads(THREADS, work)
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, InvalidTransition) for e in errors), errors
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    lead = Assignment.objects.get(appeal=appeal)
    assert (lead.role, lead.state, lead.official) == (
        AssignmentRole.LEAD,
        "accepted",
        flow.executor,
    )
    assert appeal.events.filter(kind=EventKind.ACCEPTED).count() == 1
