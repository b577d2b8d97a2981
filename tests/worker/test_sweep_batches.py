"""The sweeps select what is due once and read each batch by primary key (no rescan of
all active assignments per batch: bench/, scenario 3)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.worker.test_sweeps import T0, forward
from vikno.appeals.choices import AssignmentState
from vikno.appeals.models import Assignment
from vikno.core.clock import travel
from vikno.sweeps.models import AlertKind, DeadlineAlert
from vikno.sweeps.services import escalations_sweep

pytestmark = pytest.mark.django_db


def test_one_selection_then_batches_by_primary_key(world, settings):
    settings.VIKNO_SWEEP_BATCH = 2
    with travel(T0):
        assignments = [forward(world) for _ in range(5)]
    late = assignments[0].due_at + timedelta(hours=1)
    with travel(late), CaptureQueriesContext(connection) as queries:
        assert escalations_sweep() == 5
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "appeals_assignment"' in q["sql"]
    ]
    # The ids of all five, then three batches (2 + 2 + 1) each read by primary key.
    assert len(reads) == 1 + 3
    assert all('"appeals_assignment"."id" IN (' in sql for sql in reads[1:])
    assert sorted(
        DeadlineAlert.objects.filter(kind=AlertKind.OVERDUE).values_list("assignment_id", flat=True)
    ) == sorted(a.pk for a in assignments)


def test_an_assignment_finished_after_the_selection_drops_out(world, settings, monkeypatch):
    settings.VIKNO_SWEEP_BATCH = 2
    with travel(T0):
        assignments = [forward(world) for _ in range(3)]
    from vikno.sweeps import services

    sent = []
    real_pause = services._pause

    def finish_the_last_after_the_first_batch() -> None:
        Assignment.objects.filter(pk=assignments[2].pk).update(state=AssignmentState.EXECUTED)
        real_pause()

    monkeypatch.setattr(services, "_pause", finish_the_last_after_the_first_batch)
    with travel(assignments[0].due_at + timedelta(hours=1)):
        sent.append(escalations_sweep())
    assert sent == [2]
    assert sorted(DeadlineAlert.objects.values_list("assignment_id", flat=True)) == [
        assignments[0].pk,
        assignments[1].pk,
    ]
