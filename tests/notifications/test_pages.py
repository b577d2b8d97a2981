"""The staff page of in-app notifications and the outbox in the admin."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import register_appeal
from vikno.accounts.models import Role
from vikno.core.clock import travel
from vikno.notifications.models import Notification, NotificationTemplate
from vikno.notifications.services import deliver_due, notify

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def inbox(world):
    executor = world["users"]["executor"]
    with travel(T0):
        appeal = register_appeal(actor=world["users"]["operator"], category=world["pothole"])
        for key in ("n1", "n2"):
            notify(
                event="assignment_new",
                key=key,
                appeal=appeal,
                users=[executor],
                context={"organization": "КП «Водоканал»"},
            )
        notify(
            event="assignment_new",
            key="other",
            appeal=appeal,
            users=[world["users"]["roads_executor"]],
            context={"organization": "КП «Шляхи»"},
        )
    return appeal


def test_the_page_lists_only_my_in_app_notifications(client, world, inbox):
    client.force_login(world["users"]["executor"])
    response = client.get("/staff/notifications/")
    assert response.status_code == 200
    assert [n.key for n in response.context["page"].object_list] == [
        f"n2:in_app:user{world['users']['executor'].pk}",
        f"n1:in_app:user{world['users']['executor'].pk}",
    ]
    assert response.context["unread"] == 2
    assert f"Нове звернення № {inbox.number}" in response.content.decode()


def test_mark_one_then_all_read(client, world, inbox):
    executor = world["users"]["executor"]
    client.force_login(executor)
    first = Notification.objects.get(key=f"n1:in_app:user{executor.pk}")
    with travel(T0 + timedelta(hours=1)):
        response = client.post("/staff/notifications/read/", {"id": first.pk})
    assert response.status_code == 302
    read = dict(Notification.objects.filter(channel="in_app").values_list("key", "read_at"))
    assert read == {
        f"n1:in_app:user{executor.pk}": T0 + timedelta(hours=1),
        f"n2:in_app:user{executor.pk}": None,
        f"other:in_app:user{world['users']['roads_executor'].pk}": None,
    }
    # Another user's notification cannot be marked by id.
    other = Notification.objects.get(key__startswith="other:")
    client.post("/staff/notifications/read/", {"id": other.pk})
    assert Notification.objects.get(pk=other.pk).read_at is None
    with travel(T0 + timedelta(hours=2)):
        client.post("/staff/notifications/read/")
    assert Notification.objects.filter(recipient_user=executor, read_at__isnull=True).count() == 0
    assert client.get("/staff/notifications/").context["unread"] == 0


def test_the_page_needs_a_signed_in_member_of_staff(client, world, inbox):
    response = client.get("/staff/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_the_admin_retries_a_failed_notification_now(client, world, inbox):
    row = Notification.objects.get(event="registered")
    Notification.objects.filter(pk=row.pk).update(state="failed", attempts=6, last_error="550")
    sent = Notification.objects.filter(channel="in_app").first()
    with travel(T0):
        deliver_due()
    sent.refresh_from_db()
    assert sent.state == "sent"
    client.force_login(world["users"][Role.ADMINISTRATOR])
    url = "/admin/notifications/notification/"
    assert client.get(url, {"state__exact": "failed"}).context["cl"].result_count == 1
    with travel(T0 + timedelta(days=1)):
        response = client.post(
            url, {"action": "retry_now", "_selected_action": [row.pk, sent.pk]}, follow=True
        )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        "pending",
        0,
        T0 + timedelta(days=1),
    )
    assert Notification.objects.get(pk=sent.pk).state == "sent"


def test_templates_are_editable_in_the_admin(client, world):
    client.force_login(world["users"][Role.ADMINISTRATOR])
    response = client.get("/admin/notifications/notificationtemplate/")
    assert response.status_code == 200
    listed = {(t.event, t.channel) for t in response.context["cl"].result_list}
    ours = {
        (event, channel)
        for event in ("registered", "forwarded", "extended", "closed", "forwarded_out")
        for channel in ("email", "sms")
    } | {
        (event, channel)
        for event in ("assignment_new", "assignment_returned", "extension_requested")
        for channel in ("email", "in_app")
    }
    assert ours <= listed
    template = NotificationTemplate.objects.get(event="registered", channel="sms")
    change = f"/admin/notifications/notificationtemplate/{template.pk}/change/"
    response = client.post(
        change,
        {"event": "registered", "channel": "sms", "subject": "", "body": "№ {{ number }}"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "№ {{ number }}"
