"""notify(): who gets what, the exact Ukrainian text, one row per key, delivery after commit."""

import contextlib
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, register_appeal
from vikno.accounts.models import Role
from vikno.core.clock import travel
from vikno.notifications.models import Notification, NotificationTemplate
from vikno.notifications.services import Message, notify, notify_all

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def appeal(world):
    with travel(T0):
        return register_appeal(actor=world["users"]["operator"], category=world["pothole"])


def test_the_same_key_twice_makes_one_row(appeal):
    before = list(Notification.objects.values_list("pk", "key"))
    assert before == [(before[0][0], f"appeal:{appeal.pk}:registered:email:applicant")]

    again = notify(
        event="registered", key=f"appeal:{appeal.pk}:registered", appeal=appeal, applicant=True
    )

    assert [(row.pk, row.key) for row in again] == before
    assert list(Notification.objects.values_list("pk", "key")) == before


def test_the_registered_text_is_exact(appeal, settings):
    row = Notification.objects.get()
    link = f"http://127.0.0.1:8000/track/{appeal.tracking_token}"
    assert row.event == "registered"
    assert row.subject == f"Ваше звернення зареєстровано за № {appeal.number}"
    assert row.body_text == (
        "Добрий день!\n\n"
        f"Ваше звернення зареєстровано за № {appeal.number}.\n"
        "Строк розгляду — до 02.04.2026.\n\n"
        "Стежити за розглядом можна за посиланням:\n"
        f"{link}"
    )
    assert (row.state, row.attempts, row.next_attempt_at, row.created_at) == ("pending", 0, T0, T0)
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in row.body_html


def test_templates_are_data_an_administrator_edits(world, appeal):
    NotificationTemplate.objects.filter(event="closed", channel="email").update(
        subject="Готово: {{ number }}", body="Звернення {{ number }} — {{ extra }}"
    )
    rows = notify(
        event="closed", key="k1", appeal=appeal, applicant=True, context={"extra": "<b>так</b>"}
    )
    assert [(r.subject, r.body_text) for r in rows] == [
        (f"Готово: {appeal.number}", f"Звернення {appeal.number} — <b>так</b>")
    ]
    # The HTML part escapes what the text carries.
    assert "&lt;b&gt;так&lt;/b&gt;" in rows[0].body_html


def test_a_channel_without_a_template_is_skipped(world, appeal):
    NotificationTemplate.objects.filter(event="closed", channel="email").delete()
    assert notify(event="closed", key="k2", appeal=appeal, applicant=True) == []
    assert not Notification.objects.filter(key__startswith="k2").exists()


def test_organizations_mean_their_executors_and_supervisors(world, appeal):
    head = UserFactory(
        username="roads_head", role=Role.SUPERVISOR, organization=world["roads"], email="h@x.ua"
    )
    UserFactory(username="gone", role=Role.EXECUTOR, organization=world["roads"], is_active=False)
    UserFactory(username="analyst2", role=Role.ANALYST, organization=world["roads"])
    roads_executor = world["users"]["roads_executor"]

    rows = notify(
        event="assignment_new",
        key="a1",
        appeal=appeal,
        organizations=[world["roads"]],
        context={"organization": "КП «Шляхи»", "instruction": ""},
    )

    assert [(r.key, r.channel, r.recipient_user.username, r.address) for r in rows] == [
        (f"a1:in_app:user{roads_executor.pk}", "in_app", "roads_executor", ""),
        (f"a1:in_app:user{head.pk}", "in_app", "roads_head", ""),
        (f"a1:email:user{head.pk}", "email", "roads_head", "h@x.ua"),
    ]
    assert rows[0].body_text == (
        f"Нове звернення № {appeal.number} на виконання (КП «Шляхи»): Яма на дорозі. "
        "Строк — до 02.04.2026."
    )


def test_delivery_runs_after_commit_through_the_queue(world, django_capture_on_commit_callbacks):
    # The on-commit hook queues the huey task (immediate in tests), which sends through
    # Django's mail backend (locmem in tests).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appeal = register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["olena@example.org"]]
    assert mail.outbox[0].subject == f"Ваше звернення зареєстровано за № {appeal.number}"
    assert Notification.objects.get().state == "sent"


def test_nothing_is_queued_before_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert Notification.objects.get().state == "pending"


@pytest.mark.parametrize(
    ("preferred", "email", "expected"),
    [
        ("", "olena@example.org", "email"),
        ("sms", "olena@example.org", "sms"),
        ("email", "", "sms"),  # the chosen channel has no address: the other one
    ],
)
def test_the_applicants_preferred_channel_is_respected(world, preferred, email, expected):
    from tests.factories import applicant_data, register_appeal
    from vikno.notifications.models import Notification

    appeal = register_appeal(
        actor=world["users"]["operator"],
        category=world["no_water"],
        applicant=applicant_data(email=email, preferred_channel=preferred),
    )
    channels = set(
        Notification.objects.filter(appeal=appeal, recipient_user=None).values_list(
            "channel", flat=True
        )
    )
    assert channels == {expected}
    assert appeal.applicant.preferred_channel == preferred


def test_one_delivery_run_is_queued_per_transaction(world, django_capture_on_commit_callbacks):
    operator = world["users"]["operator"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        first = register_appeal(actor=operator, category=world["pothole"])
        second = register_appeal(actor=operator, category=world["pothole"])
    assert len(callbacks) == 1
    assert sorted(Notification.objects.values_list("appeal_id", "state")) == [
        (first.pk, "sent"),
        (second.pk, "sent"),
    ]


def test_a_run_queued_in_a_rolled_back_savepoint_is_queued_again(
    world, django_capture_on_commit_callbacks
):
    operator = world["users"]["operator"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            register_appeal(actor=operator, category=world["pothole"])
            raise RuntimeError
        kept = register_appeal(actor=operator, category=world["pothole"])
    assert len(callbacks) == 1
    assert list(Notification.objects.values_list("appeal_id", "state")) == [(kept.pk, "sent")]


def test_notify_all_reads_templates_once_and_inserts_once(world):
    operator, executor = world["users"]["operator"], world["users"]["executor"]
    appeals = [register_appeal(actor=operator, category=world["pothole"]) for _ in range(5)]

    def messages(appeals):
        for appeal in appeals:  # two events, to the applicant and to staff
            yield Message(event="registered", key=f"k{appeal.pk}", appeal=appeal, applicant=True)
            yield Message(
                event="deadline_overdue",
                key=f"o{appeal.pk}",
                appeal=appeal,
                users=[executor],
                context={"assignment_due": "01.04.2026"},
            )

    with CaptureQueriesContext(connection) as one:
        per_appeal = notify_all(messages(appeals[:1]))
    with CaptureQueriesContext(connection) as four:
        assert notify_all(messages(appeals[1:])) == 4 * per_appeal
    assert per_appeal >= 2 and len(four) == len(one)
    new = Notification.objects.filter(key__regex=r"^[ko]\d")
    assert new.count() == 5 * per_appeal
    assert set(new.values_list("channel", flat=True)) >= {"email", "in_app"}
    assert notify_all(messages(appeals)) == 5 * per_appeal  # offered again: nothing new
    assert new.count() == 5 * per_appeal
