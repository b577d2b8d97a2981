"""The deadline sweeps: reminders, escalations, digests; each exactly once, catching up."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganizationFactory, UserFactory, register_appeal
from vikno.accounts.models import Role
from vikno.appeals.choices import AssignmentState, Kind
from vikno.appeals.models import Assignment
from vikno.appeals.services import appeal_forward, appeal_preprocess
from vikno.core.clock import travel
from vikno.core.tasks import on_commit
from vikno.notifications.models import Notification
from vikno.sweeps.models import AlertKind, DeadlineAlert, DigestRun
from vikno.sweeps.services import digest_sweep, escalations_sweep, reminders_sweep

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 11:00 in Kyiv


@pytest.fixture
def forwarded(world):
    """An appeal about a pothole forwarded to the roads utility at T0 (one-month term)."""
    with travel(T0):
        return forward(world)


def forward(world, *, due=None):
    operator = world["users"][Role.OPERATOR]
    appeal = register_appeal(actor=operator, category=world["pothole"], kind=Kind.COMPLAINT)
    appeal_preprocess(actor=operator, appeal=appeal)
    appeal_forward(actor=operator, appeal=appeal, organization=world["roads"], due=due)
    return Assignment.objects.get(appeal=appeal)


def keys(event):
    return sorted(Notification.objects.filter(event=event).values_list("key", flat=True))


def test_reminders_at_72_and_24_hours_once_each(world, forwarded):
    due = forwarded.due_at
    stamp = int(due.timestamp())
    executor = world["users"]["roads_executor"]
    with travel(due - timedelta(hours=72, seconds=1)):
        assert reminders_sweep() == 0
    assert keys("deadline_reminder") == []
    with travel(due - timedelta(hours=72)):
        assert reminders_sweep() == 1
        assert reminders_sweep() == 0
    assert keys("deadline_reminder") == [
        f"reminder:{forwarded.pk}:{stamp}:72h:in_app:user{executor.pk}"
    ]
    with travel(due - timedelta(hours=30)):
        assert reminders_sweep() == 0
    with travel(due - timedelta(hours=23)):
        assert reminders_sweep() == 1
        assert reminders_sweep() == 0
    assert keys("deadline_reminder") == [
        f"reminder:{forwarded.pk}:{stamp}:24h:in_app:user{executor.pk}",
        f"reminder:{forwarded.pk}:{stamp}:72h:in_app:user{executor.pk}",
    ]
    row = Notification.objects.get(key__contains=":24h:")
    assert row.recipient_user == executor
    assert row.appeal_id == forwarded.appeal_id
    assert row.body_text.startswith("Нагадування про строк виконання.\nЗвернення ")
    assert "залишилося 24 год." in row.body_text
    # Past the term: no reminder any more (the escalation takes over).
    with travel(due + timedelta(minutes=1)):
        assert reminders_sweep() == 0
    assert Notification.objects.filter(event="deadline_reminder").count() == 2


def test_a_sweep_that_was_not_run_catches_up(world, forwarded):
    """The window is "due_at - offset <= now": a worker down for days sends both."""
    with travel(forwarded.due_at - timedelta(hours=1)):
        assert reminders_sweep() == 2
        assert reminders_sweep() == 0
    assert DeadlineAlert.objects.filter(kind=AlertKind.REMINDER).count() == 2


def test_no_reminder_whose_moment_came_before_the_assignment(world):
    with travel(T0):
        forward(world, due=T0 + timedelta(hours=30))
    with travel(T0 + timedelta(hours=29)):
        assert reminders_sweep() == 1
    assert [k.split(":")[3] for k in keys("deadline_reminder")] == ["24h"]


def test_finished_assignments_get_nothing(world, forwarded):
    Assignment.objects.filter(pk=forwarded.pk).update(state=AssignmentState.EXECUTED)
    with travel(forwarded.due_at + timedelta(days=1)):
        assert reminders_sweep() == 0
        assert escalations_sweep() == 0
        assert digest_sweep() == 0
    assert (
        Notification.objects.count()
        == Notification.objects.exclude(event__startswith="deadline_").count()
    )
    assert DeadlineAlert.objects.count() == 0


def test_extended_term_gets_its_own_reminders(world, forwarded):
    with travel(forwarded.due_at - timedelta(hours=2)):
        assert reminders_sweep() == 2
    new_due = forwarded.due_at + timedelta(days=5)
    Assignment.objects.filter(pk=forwarded.pk).update(due_at=new_due)
    with travel(new_due - timedelta(hours=2)):
        assert reminders_sweep() == 2
    assert len(keys("deadline_reminder")) == 4


def test_escalation_to_supervisors_of_the_utility_and_above_once(world, forwarded):
    own = UserFactory(username="roads_head", role=Role.SUPERVISOR, organization=world["roads"])
    city = UserFactory(username="city_head", role=Role.SUPERVISOR, organization=world["city"])
    UserFactory(username="water_head", role=Role.SUPERVISOR, organization=world["water"])
    with travel(forwarded.due_at):
        assert escalations_sweep() == 0  # the due moment itself is still in time
    with travel(forwarded.due_at + timedelta(seconds=1)):
        assert escalations_sweep() == 1
    with travel(forwarded.due_at + timedelta(days=3)):
        assert escalations_sweep() == 0
    stamp = int(forwarded.due_at.timestamp())
    assert keys("deadline_overdue") == sorted(
        f"overdue:{forwarded.pk}:{stamp}:in_app:user{user.pk}" for user in (own, city)
    )
    row = Notification.objects.get(key__endswith=f"user{city.pk}", event="deadline_overdue")
    assert row.body_text.startswith("Строк виконання минув.\nЗвернення ")
    assert "КП «Шляхи»" in row.body_text


def test_escalation_count(world, forwarded):
    UserFactory(username="roads_head", role=Role.SUPERVISOR, organization=world["roads"])
    with travel(forwarded.due_at - timedelta(seconds=1)):
        assert escalations_sweep() == 0
    with travel(forwarded.due_at + timedelta(hours=5)):
        assert escalations_sweep() == 1
        assert escalations_sweep() == 0


def test_digest_once_a_day_from_its_hour(world, forwarded, settings):
    settings.VIKNO_DIGEST_HOUR = 8
    other = OrganizationFactory(code="parks", name="КП «Парки»", parent=world["city"])
    UserFactory(username="parks_executor", role=Role.EXECUTOR, organization=other)
    day = forwarded.due_at - timedelta(days=1)
    # 06:59 and 08:00 in Kyiv (UTC+3 in summer: the term falls in April).
    with travel(datetime(day.year, day.month, day.day, 3, 59, tzinfo=UTC)):
        assert digest_sweep() == 0
    with travel(datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)):
        assert digest_sweep() == 1
        assert digest_sweep() == 0
    assert DigestRun.objects.get().organization == world["roads"]
    row = Notification.objects.get(event="deadline_digest")
    assert row.recipient_user == world["users"]["roads_executor"]
    assert "Прострочено: 0.\nСтрок спливає найближчим часом: 1." in row.body_text


def test_reminders_sweep_queries_do_not_grow_with_appeals(world):
    with travel(T0):
        for _ in range(6):
            forward(world)
    due = Assignment.objects.first().due_at
    with travel(due - timedelta(hours=71)), CaptureQueriesContext(connection) as queries:
        assert reminders_sweep() == 6
    selects = [
        q for q in queries if "sweeps_deadlinealert" in q["sql"] and q["sql"].startswith("SELECT")
    ]
    # One selection per (term, offset) of settings.VIKNO_REMINDERS (5), plus one more
    # after the batch that found the six.
    assert len(selects) == 5 + 1


@pytest.mark.django_db
def test_on_commit_enqueues_after_commit_only(django_capture_on_commit_callbacks):
    calls = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        on_commit(lambda *args, **kwargs: calls.append((args, kwargs)), 1, 2, x=3)
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [((1, 2), {"x": 3})]


@pytest.mark.django_db
def test_on_commit_never_enqueues_on_rollback(django_capture_on_commit_callbacks):
    calls = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        on_commit(calls.append, 1)
        raise RuntimeError
    assert callbacks == []
    assert calls == []
