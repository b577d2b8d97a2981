"""Inbound exchange: an appeal handed down to us, and refusals that change nothing."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.exchange.conftest import APPEALS, SECRET, UPDATES, appeal_message, signed_post
from vikno.appeals.choices import Channel, EventKind, Status
from vikno.appeals.models import Appeal, AppealEvent, AppealNote, Assignment
from vikno.core import clock
from vikno.exchange.models import ExchangeLink, InboundKey, LinkDirection, OutboxMessage
from vikno.exchange.services import peer_deactivate

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def snapshot():
    return {
        "appeals": list(Appeal.objects.values_list("number", "status")),
        "events": AppealEvent.objects.count(),
        "notes": AppealNote.objects.count(),
        "assignments": list(Assignment.objects.values_list("pk", "state")),
        "links": list(ExchangeLink.objects.values_list("pk", "external_number")),
        "keys": InboundKey.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }


@pytest.fixture(autouse=True)
def _at_now():
    with clock.travel(NOW):
        yield


def test_appeal_handed_down_is_registered_once(client, upstream, world):
    response = signed_post(client, APPEALS, appeal_message())

    assert response.status_code == 201
    appeal = Appeal.objects.get()
    assert response.json() == {
        "format": "vikno-exchange/1",
        "external_number": "UKC-2026-000123",
        "number": appeal.number,
    }
    assert appeal.channel == Channel.UPSTREAM
    assert appeal.created_by == upstream.account
    assert appeal.category == world["no_water"]
    assert appeal.text == "Немає холодної води у під'їзді 2."
    assert appeal.received_at == datetime(2026, 11, 23, 7, 15, tzinfo=UTC)
    assert appeal.applicant.name == "Петренко Олена Іванівна"
    assert appeal.applicant.phone == "+380501234567"
    link = ExchangeLink.objects.get()
    assert (link.peer, link.appeal, link.direction, link.external_number) == (
        upstream,
        appeal,
        LinkDirection.IN,
        "UKC-2026-000123",
    )
    assert link.peer_due_at == datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
    assert link.attachments == [
        {
            "url": "https://ukc.example.gov.ua/files/abc123",
            "name": "photo.jpg",
            "content_type": "image/jpeg",
            "size": 183204,
        }
    ]
    assert AppealNote.objects.get().text == (
        "Handed down by Урядовий контактний центр under its number UKC-2026-000123.\n"
        "Due there: 2026-12-08T18:00:00+02:00.\n"
        "File by reference: photo.jpg https://ukc.example.gov.ua/files/abc123"
    )
    assert list(appeal.events.values_list("kind", flat=True)) == [
        EventKind.REGISTERED,
        EventKind.NOTE_ADDED,
    ]
    # Registration itself is answered by the 201: no update goes back for it.
    assert OutboxMessage.objects.count() == 0

    again = signed_post(client, APPEALS, appeal_message(), key="key-2")

    assert again.status_code == 201
    assert again.json() == response.json()
    assert Appeal.objects.count() == 1
    assert InboundKey.objects.count() == 2


def test_same_idempotency_key_is_a_replay(client, upstream):
    first = signed_post(client, APPEALS, appeal_message())
    before = snapshot()

    replay = signed_post(client, APPEALS, appeal_message())
    other_message = signed_post(client, APPEALS, appeal_message(external_number="UKC-2"))

    assert first.status_code == 201
    for response in (replay, other_message):
        assert response.status_code == 409
        assert response.json() == {
            "code": "replay",
            "message": "This message (Idempotency-Key) has already been accepted.",
            "fields": {},
        }
    assert snapshot() == before


@pytest.mark.parametrize(
    "change",
    [
        {"peer": "nobody"},
        {"secret": "wrong-secret"},
        {"at": NOW - timedelta(minutes=5, seconds=1)},
        {"at": NOW + timedelta(minutes=5, seconds=1)},
        {"tamper": True},
    ],
    ids=["unknown-peer", "wrong-secret", "stale", "future", "tampered-body"],
)
def test_bad_signature_refused(client, upstream, change):
    before = snapshot()
    body = json.dumps(appeal_message()).encode()
    with clock.travel(change.get("at", NOW)):
        from vikno.exchange.signing import sign_headers

        headers = sign_headers(
            peer_code=change.get("peer", "ukc"),
            secret=change.get("secret", SECRET),
            method="POST",
            path=APPEALS,
            body=body,
            idempotency_key="k",
        )
    headers.pop("Content-Type")
    sent = body.replace(b"UKC-2026-000123", b"UKC-2026-000999") if "tamper" in change else body

    response = client.post(APPEALS, data=sent, content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert snapshot() == before


def test_unsigned_request_and_inactive_peer_refused(client, upstream):
    before = snapshot()
    unsigned = client.post(APPEALS, data=appeal_message(), content_type="application/json")
    peer_deactivate(code="ukc")
    inactive = signed_post(client, APPEALS, appeal_message())

    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "bad_signature")
    assert (inactive.status_code, inactive.json()["code"]) == (401, "bad_signature")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("message", "raw", "status", "code", "fields"),
    [
        (appeal_message(format="vikno-exchange/2"), None, 400, "unknown_format", {}),
        (appeal_message(type="update"), None, 400, "unknown_type", {}),
        (None, b"not json", 400, "bad_request", {}),
        (None, b"[1, 2]", 400, "bad_request", {}),
        (
            appeal_message(category="no-such-thing"),
            None,
            422,
            "validation_error",
            {"category": ["Unknown category code: no-such-thing."]},
        ),
        (
            appeal_message(kind="wish", external_number=""),
            None,
            422,
            "validation_error",
            {
                "external_number": ["Give the appeal's number at the sender."],
                "kind": [
                    "Unknown kind; expected one of: proposal, application, complaint, "
                    "service_request."
                ],
            },
        ),
        (
            appeal_message(received_at="yesterday"),
            None,
            422,
            "validation_error",
            {"received_at": ["Give an ISO 8601 time with its offset."]},
        ),
        (
            appeal_message(category="housing"),
            None,
            422,
            "validation_error",
            {"category": ["Choose a specific category (the last level of the list)."]},
        ),
    ],
    ids=["format", "type", "not-json", "not-object", "category", "kind", "time", "not-a-leaf"],
)
def test_bad_message_refused(client, upstream, message, raw, status, code, fields):
    before = snapshot()

    response = signed_post(client, APPEALS, message, raw=raw)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["fields"] == fields
    assert snapshot() == before
    # A refusal does not burn the key: the corrected message is accepted with it.
    assert signed_post(client, APPEALS, appeal_message()).status_code == 201


def test_missing_idempotency_key_refused(client, upstream):
    before = snapshot()

    response = signed_post(client, APPEALS, appeal_message(), key=None)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert snapshot() == before


def test_downstream_peer_may_not_hand_appeals_up(client, downstream):
    before = snapshot()

    response = signed_post(client, APPEALS, appeal_message(), peer="hromada")

    assert (response.status_code, response.json()["code"]) == (400, "not_upstream")
    assert snapshot() == before


def test_update_about_unknown_number_is_404(client, downstream):
    before = snapshot()
    update = {
        "format": "vikno-exchange/1",
        "type": "update",
        "external_number": "2026-0000001",
        "number": "H-1",
        "status": Status.ACCEPTED,
        "outcome": "",
        "answer": "",
        "at": NOW.isoformat(),
    }

    response = signed_post(client, UPDATES, update, peer="hromada")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_lost_race_is_answered_as_the_appeal_now_stands(client, upstream, monkeypatch):
    # The other request of a race commits first: ours hits a unique constraint, its
    # transaction is rolled back, and it is run once more (finding the other's link).
    from django.db import IntegrityError

    original = InboundKey.objects.create
    calls = []

    def lose_first(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed")
        return original(**kwargs)

    monkeypatch.setattr(InboundKey.objects, "create", lose_first)

    response = signed_post(client, APPEALS, appeal_message())

    assert response.status_code == 201
    assert calls == ["key-1", "key-1"]
    assert Appeal.objects.count() == 1
    assert ExchangeLink.objects.count() == 1
    assert response.json()["number"] == Appeal.objects.get().number
