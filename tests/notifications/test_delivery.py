"""Delivery of the outbox: a real SMTP server, retries with backoff, nothing sent twice."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import applicant_data, register_appeal
from vikno.core.clock import travel
from vikno.notifications import channels
from vikno.notifications.models import Notification
from vikno.notifications.services import DeliveryReport, deliver_due

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def register(world, email="olena@example.org", **overrides):
    return register_appeal(
        actor=world["users"]["operator"],
        category=world["no_water"],
        applicant=applicant_data(email=email, **overrides),
    )


@pytest.fixture
def sms_sender():
    """A stand-in SMS gateway (the SMPP one is tested in tests/integrations)."""
    sent: list[tuple[str, str]] = []
    previous = channels._senders.get("sms")

    def send(notification):
        if notification.address == "+380500000000":
            raise ConnectionError("gateway said: unknown subscriber")
        sent.append((notification.address, notification.body_text))
        return f"sms-{len(sent)}"

    channels.register("sms", send)
    yield sent
    if previous is None:
        channels.unregister("sms")
    else:
        channels.register("sms", previous)


def test_the_registered_email_arrives_in_ukrainian(world, smtp_server):
    with travel(T0):
        appeal = register(world)
        report = deliver_due()

    assert report == DeliveryReport(sent=1, retried=0, failed=0)
    assert smtp_server.recipients == [["olena@example.org"]]
    message = smtp_server.messages[0]
    assert message["To"] == "olena@example.org"
    assert message["From"] == "Вікно <noreply@vikno.example>"
    # (the encoded header is folded after "Subject:"; the fold is not part of the text)
    assert message["Subject"].lstrip() == f"Ваше звернення зареєстровано за № {appeal.number}"
    link = f"https://vikno.example/track/{appeal.tracking_token}"
    # SMTP carries lines ended by CRLF.
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text == (
        "Добрий день!\n\n"
        f"Ваше звернення зареєстровано за № {appeal.number}.\n"
        "Строк розгляду — до 17.03.2026.\n\n"
        "Стежити за розглядом можна за посиланням:\n"
        f"{link}"
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{link}"' in html
    row = Notification.objects.get()
    assert message["X-Vikno-Notification"] == row.key
    assert (row.state, row.attempts, row.sent_at, row.last_error) == ("sent", 1, T0, "")
    assert row.provider_id == message["Message-ID"]


def test_a_refused_address_is_retried_with_backoff_then_failed(world, smtp_server):
    smtp_server.refused = {"bad@example.org"}
    with travel(T0):
        bad = register(world, email="bad@example.org")
        good = register(world, email="good@example.org", phone="+380501234567")
        assert deliver_due() == DeliveryReport(sent=1, retried=1, failed=0)
    assert smtp_server.recipients == [["good@example.org"]]
    row = Notification.objects.get(appeal=bad)
    assert (row.state, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        T0 + timedelta(minutes=1),
    )
    assert "550" in row.last_error
    assert "Mailbox unavailable" in row.last_error

    # Before the wait is over nothing is tried again.
    with travel(T0 + timedelta(seconds=59)):
        assert deliver_due() == DeliveryReport()
    waits = [1, 5, 30, 120, 720]
    moment = T0
    for attempt, wait in enumerate(waits, start=2):
        moment += timedelta(minutes=wait)
        with travel(moment):
            expected = DeliveryReport(failed=1) if attempt == 6 else DeliveryReport(retried=1)
            assert deliver_due() == expected
        row.refresh_from_db()
        assert row.attempts == attempt
    assert (row.state, row.attempts) == ("failed", 6)
    with travel(moment + timedelta(days=30)):
        assert deliver_due() == DeliveryReport()
    # The good one was delivered once and never again.
    assert smtp_server.recipients == [["good@example.org"]]
    assert Notification.objects.get(appeal=good).state == "sent"


def test_running_again_never_sends_a_sent_message_again(world, smtp_server):
    with travel(T0):
        register(world)
        assert deliver_due() == DeliveryReport(sent=1)
    for later in (timedelta(0), timedelta(hours=1), timedelta(days=60)):
        with travel(T0 + later):
            assert deliver_due() == DeliveryReport()
    assert len(smtp_server.messages) == 1


def test_one_failing_channel_does_not_stop_the_others(world, sms_sender):
    with travel(T0):
        first = register(world, email="", phone="+380500000000")
        second = register(world, email="", phone="+380671112233")
        assert deliver_due() == DeliveryReport(sent=1, retried=1)
    assert sms_sender == [
        (
            "+380671112233",
            f"Звернення зареєстровано за № {second.number}. "
            f"Хід розгляду: http://127.0.0.1:8000/track/{second.tracking_token}",
        )
    ]
    failed = Notification.objects.get(appeal=first)
    assert (failed.state, failed.attempts, failed.last_error) == (
        "pending",
        1,
        "gateway said: unknown subscriber",
    )
    assert Notification.objects.get(appeal=second).provider_id == "sms-1"


def test_a_limit_sends_the_oldest_first(world, smtp_server):
    with travel(T0):
        first = register(world, email="a@example.org")
    with travel(T0 + timedelta(minutes=1)):
        register(world, email="b@example.org")
        assert deliver_due(limit=1) == DeliveryReport(sent=1)
        assert smtp_server.recipients == [["a@example.org"]]
        assert Notification.objects.get(appeal=first).state == "sent"
        assert deliver_due(limit=1) == DeliveryReport(sent=1)
    assert smtp_server.recipients == [["a@example.org"], ["b@example.org"]]


def test_a_permanent_error_fails_at_once(world):
    class InvalidNumber(Exception):
        permanent = True

    def refuse(notification):
        raise InvalidNumber("invalid destination address")

    previous = channels._senders.get("sms")
    channels.register("sms", refuse)
    try:
        with travel(T0):
            appeal = register(world, email="", phone="+380501112233")
            assert deliver_due() == DeliveryReport(failed=1)
    finally:
        if previous is None:
            channels.unregister("sms")
        else:
            channels.register("sms", previous)
    row = Notification.objects.get(appeal=appeal)
    assert (row.state, row.attempts, row.last_error) == (
        "failed",
        1,
        "invalid destination address",
    )
