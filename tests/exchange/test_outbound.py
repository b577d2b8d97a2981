"""Outbound exchange: messages written with the change, delivered in order with retries;
updates from a downstream peer applied as its executor's steps."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.exchange.conftest import (
    APPEALS,
    SECRET,
    UPDATES,
    appeal_message,
    closed_port_url,
    signed_post,
)
from tests.factories import register_appeal
from vikno.appeals.choices import AssignmentState, EventKind, Status
from vikno.appeals.models import Appeal, AppealEvent, AppealNote
from vikno.appeals.services import (
    appeal_accept,
    appeal_forward,
    appeal_note_add,
    appeal_preprocess,
    appeal_report_execution,
    appeal_start_work,
    appeal_verify,
)
from vikno.core import clock
from vikno.core.errors import ValidationFailed
from vikno.exchange.models import (
    ExchangeLink,
    InboundKey,
    LinkDirection,
    MessageState,
    OutboxMessage,
    Peer,
)
from vikno.exchange.outbox import backoff, deliver_all, deliver_peer, message_retry
from vikno.exchange.signing import verify

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _at_now(settings):
    settings.VIKNO_EXCHANGE = {"BACKOFF_BASE_SECONDS": 2, "BACKOFF_MAX_SECONDS": 60, "TIMEOUT": 5}
    settings.VIKNO_EXCHANGE_OWN_CODE = "city"
    with clock.travel(NOW):
        yield


def _forwarded_down(world, downstream):
    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["no_water"])
    appeal_preprocess(actor=operator, appeal=appeal)
    return appeal_forward(
        actor=operator, appeal=appeal, organization=downstream.organization, instruction="Терміново"
    )


def _messages(peer):
    return list(OutboxMessage.objects.filter(peer=peer).order_by("seq"))


# --- Writing ------------------------------------------------------------------------


def test_forward_to_downstream_organization_writes_an_appeal_message(world, downstream):
    appeal = _forwarded_down(world, downstream)

    [message] = _messages(downstream)
    assert (message.seq, message.kind, message.appeal, message.state) == (
        1,
        "appeal",
        appeal,
        MessageState.PENDING,
    )
    assert message.idempotency_key.startswith("city-")
    assert message.payload == {
        "format": "vikno-exchange/1",
        "type": "appeal",
        "external_number": appeal.number,
        "source": "city",
        "kind": "complaint",
        "category": "no-cold-water",
        "territory": "",
        "text": "Третій день немає холодної води в будинку.",
        "address": "вул. Соборна, 10",
        "received_at": appeal.received_at.isoformat(),
        "due_at": appeal.due_at.isoformat(),
        "instruction": "Терміново",
        "applicant": {
            "name": "Олена Коваленко",
            "phone": "+380671112233",
            "email": "olena@example.org",
            "postal_address": "м. Вікно, вул. Соборна, 10, кв. 5",
        },
        "attachments": [],
    }
    link = ExchangeLink.objects.get()
    assert (link.peer, link.appeal, link.direction, link.external_number) == (
        downstream,
        appeal,
        LinkDirection.OUT,
        "",
    )
    assert Peer.objects.get(pk=downstream.pk).last_seq == 1


def test_forward_elsewhere_writes_nothing(world, downstream):
    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["no_water"])
    appeal_preprocess(actor=operator, appeal=appeal)
    appeal_forward(actor=operator, appeal=appeal, organization=world["water"])

    assert OutboxMessage.objects.count() == 0
    assert ExchangeLink.objects.count() == 0


def test_refused_forward_writes_no_message(world, downstream):
    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["no_water"])
    appeal_preprocess(actor=operator, appeal=appeal)

    with pytest.raises(ValidationFailed):
        appeal_forward(
            actor=operator,
            appeal=appeal,
            organization=downstream.organization,
            due=NOW - timedelta(days=1),
        )

    assert OutboxMessage.objects.count() == 0
    assert ExchangeLink.objects.count() == 0


def test_status_changes_of_an_appeal_from_upstream_are_reported_in_order(client, world, upstream):
    number = signed_post(client, APPEALS, appeal_message()).json()["number"]
    appeal = Appeal.objects.get(number=number)
    operator, executor = world["users"]["operator"], world["users"]["executor"]

    appeal_preprocess(actor=operator, appeal=appeal)
    appeal_note_add(actor=operator, appeal=appeal, text="Внутрішня примітка")  # not reported
    appeal_forward(actor=operator, appeal=appeal, organization=world["water"])
    appeal_accept(actor=executor, appeal=appeal)
    appeal_start_work(actor=executor, appeal=appeal)
    appeal_report_execution(actor=executor, appeal=appeal, report="Воду подано о 14:00.")
    appeal_verify(actor=operator, appeal=appeal, confirmed=True)

    messages = _messages(upstream)
    assert [m.seq for m in messages] == [1, 2, 3, 4, 5, 6]
    assert [(m.payload["status"], m.payload["event"]) for m in messages] == [
        (Status.PREPROCESSED, EventKind.PREPROCESSED),
        (Status.FORWARDED, EventKind.FORWARDED),
        (Status.ACCEPTED, EventKind.ACCEPTED),
        (Status.IN_WORK, EventKind.WORK_STARTED),
        (Status.EXECUTED, EventKind.EXECUTED),
        (Status.CLOSED, EventKind.CONFIRMED),
    ]
    last = messages[-1].payload
    assert last == {
        "format": "vikno-exchange/1",
        "type": "update",
        "external_number": "UKC-2026-000123",
        "number": number,
        "status": "closed",
        "outcome": "resolved",
        "answer": "Воду подано о 14:00.",
        "event": "confirmed",
        "at": NOW.isoformat(),
    }
    assert [m.payload["answer"] for m in messages[:4]] == ["", "", "", ""]
    assert len({m.idempotency_key for m in messages}) == 6


# --- Applying updates from a downstream peer ----------------------------------------


def _update(appeal, status, *, answer="", outcome="", number="H-2026-7"):
    return {
        "format": "vikno-exchange/1",
        "type": "update",
        "external_number": appeal.number,
        "number": number,
        "status": status,
        "outcome": outcome,
        "answer": answer,
        "at": NOW.isoformat(),
    }


def test_updates_from_downstream_move_its_assignment_then_the_operator_verifies(
    client, world, downstream
):
    appeal = _forwarded_down(world, downstream)

    steps = [
        (Status.ACCEPTED, "", ["accept"], Status.ACCEPTED, AssignmentState.ACCEPTED),
        (Status.IN_WORK, "", ["start_work"], Status.IN_WORK, AssignmentState.IN_WORK),
        (
            Status.EXECUTED,
            "Воду подано.",
            ["report_execution"],
            Status.EXECUTED,
            AssignmentState.EXECUTED,
        ),
        (Status.CLOSED, "Воду подано.", [], Status.EXECUTED, AssignmentState.EXECUTED),
    ]
    for index, (status, answer, applied, appeal_status, state) in enumerate(steps):
        response = signed_post(
            client, UPDATES, _update(appeal, status, answer=answer), peer="hromada", key=f"u{index}"
        )
        assert response.status_code == 200, response.json()
        assert response.json() == {
            "format": "vikno-exchange/1",
            "external_number": appeal.number,
            "number": "H-2026-7",
            "applied": applied,
        }
        appeal.refresh_from_db()
        assert appeal.status == appeal_status
        assert appeal.assignments.get().state == state

    assert appeal.answer == "Воду подано."
    assert ExchangeLink.objects.get().external_number == "H-2026-7"
    assert list(AppealNote.objects.filter(appeal=appeal).values_list("text", flat=True)) == [
        "Громада reports: «accepted by the executor» (its number H-2026-7).",
        "Громада reports: «in work» (its number H-2026-7).",
        "Громада reports: «executed, awaiting verification» (its number H-2026-7).\n"
        "Answer: Воду подано.",
        "Громада reports: «closed» (its number H-2026-7).\nAnswer: Воду подано.",
    ]
    executed = appeal.events.get(kind=EventKind.EXECUTED)
    assert executed.actor == downstream.account
    assert executed.comment == "Воду подано."
    # Our operator verifies with the applicant as usual.
    appeal_verify(actor=world["users"]["operator"], appeal=appeal, confirmed=True)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED

    replay = signed_post(client, UPDATES, _update(appeal, Status.CLOSED), peer="hromada", key="u3")
    assert (replay.status_code, replay.json()["code"]) == (409, "replay")


def test_downstream_result_jumps_the_steps_it_skipped(client, world, downstream):
    appeal = _forwarded_down(world, downstream)

    response = signed_post(
        client,
        UPDATES,
        _update(appeal, Status.CLOSED, answer="Роз'яснено.", outcome="consulted"),
        peer="hromada",
    )

    assert response.json()["applied"] == ["accept", "report_execution"]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer) == (Status.EXECUTED, "Роз'яснено.")


def test_downstream_refusal_returns_the_appeal_to_our_operators(client, world, downstream):
    appeal = _forwarded_down(world, downstream)

    response = signed_post(
        client,
        UPDATES,
        _update(appeal, Status.FORWARDED_OUT, answer="Не наша компетенція: обласна служба."),
        peer="hromada",
    )

    assert response.json()["applied"] == ["return"]
    appeal.refresh_from_db()
    assert appeal.status == Status.RETURNED
    assignment = appeal.assignments.get()
    assert assignment.state == AssignmentState.RETURNED
    assert assignment.return_reason == "Не наша компетенція: обласна служба."


def test_bad_update_refused_and_nothing_changes(client, world, downstream):
    appeal = _forwarded_down(world, downstream)
    events = AppealEvent.objects.count()

    bad_status = signed_post(client, UPDATES, _update(appeal, "done"), peer="hromada")
    wrong_peer = signed_post(client, UPDATES, _update(appeal, Status.ACCEPTED), peer="ukc")

    assert (bad_status.status_code, bad_status.json()["fields"]) == (
        422,
        {"status": ["Unknown status."]},
    )
    assert (wrong_peer.status_code, wrong_peer.json()["code"]) == (401, "bad_signature")
    assert AppealEvent.objects.count() == events
    assert InboundKey.objects.count() == 0
    assert appeal.assignments.get().state == AssignmentState.PENDING


# --- Delivery -----------------------------------------------------------------------


def _point_at(peer, url):
    Peer.objects.filter(pk=peer.pk).update(base_url=url)


def test_delivery_in_order_stops_at_failure_and_retries_with_backoff(
    world, downstream, scripted_peer
):
    _point_at(downstream, scripted_peer.url)
    first = _forwarded_down(world, downstream)
    second = _forwarded_down(world, downstream)
    scripted_peer.script = [(503, {}), (201, {"number": "H-1"}), (201, {"number": "H-2"})]

    report = deliver_peer(downstream.pk)

    assert (report.sent, report.retry_at) == (0, NOW + timedelta(seconds=2))
    assert len(scripted_peer.received) == 1  # the second message waits behind the first
    m1, m2 = _messages(downstream)
    assert (m1.state, m1.attempts, m1.next_attempt_at, m1.last_error) == (
        MessageState.PENDING,
        1,
        NOW + timedelta(seconds=2),
        "HTTP 503",
    )
    assert (m2.state, m2.attempts) == (MessageState.PENDING, 0)

    # Before the backoff has passed nothing is sent.
    with clock.travel(NOW + timedelta(seconds=1)):
        assert deliver_peer(downstream.pk).waiting is True
    assert len(scripted_peer.received) == 1

    with clock.travel(NOW + timedelta(seconds=2)):
        report = deliver_peer(downstream.pk)

    assert (report.sent, report.retry_at) == (2, None)
    received = scripted_peer.received
    assert [r["json"]["external_number"] for r in received] == [
        first.number,
        first.number,
        second.number,
    ]
    # A resend carries the same Idempotency-Key: the peer can tell it is the same message.
    assert received[0]["headers"]["Idempotency-Key"] == received[1]["headers"]["Idempotency-Key"]
    assert received[0]["headers"]["Idempotency-Key"] == m1.idempotency_key
    for request in received:
        assert request["path"] == APPEALS
        assert request["headers"]["X-Vikno-Peer"] == "city"
        with clock.travel(NOW + timedelta(seconds=2)):
            verify(
                secret=SECRET,
                method="POST",
                path=APPEALS,
                timestamp=request["headers"]["X-Vikno-Timestamp"],
                body=request["body"],
                given=request["headers"]["X-Vikno-Signature"],
            )
    m1, m2 = _messages(downstream)
    assert (m1.state, m1.attempts, m1.last_error, m1.sent_at) == (
        MessageState.SENT,
        2,
        "",
        NOW + timedelta(seconds=2),
    )
    assert (m2.state, m2.attempts) == (MessageState.SENT, 1)
    assert dict(ExchangeLink.objects.values_list("appeal__number", "external_number")) == {
        first.number: "H-1",
        second.number: "H-2",
    }


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]


def test_a_peer_down_keeps_every_message_until_it_is_back(world, downstream, scripted_peer):
    _point_at(downstream, closed_port_url())
    appeals = [_forwarded_down(world, downstream) for _ in range(3)]
    moment = NOW
    for attempt in range(1, 9):
        with clock.travel(moment):
            report = deliver_peer(downstream.pk)
        assert report.sent == 0
        assert report.retry_at == moment + backoff(attempt)
        moment = report.retry_at
    assert [m.attempts for m in _messages(downstream)] == [8, 0, 0]
    assert _messages(downstream)[0].last_error == "ConnectionRefusedError"

    _point_at(downstream, scripted_peer.url)
    with clock.travel(moment):
        assert deliver_all()[str(downstream.pk)].sent == 3

    assert [r["json"]["external_number"] for r in scripted_peer.received] == [
        a.number for a in appeals
    ]


def test_replay_answer_counts_as_delivered(world, downstream, scripted_peer):
    _point_at(downstream, scripted_peer.url)
    _forwarded_down(world, downstream)
    scripted_peer.script = [(409, {"code": "replay", "message": "known", "fields": {}})]

    report = deliver_peer(downstream.pk)

    assert report.sent == 1
    [message] = _messages(downstream)
    assert (message.state, message.last_error) == (MessageState.SENT, "409 replay")


def test_refused_message_is_set_aside_and_the_next_goes_on(world, downstream, scripted_peer):
    _point_at(downstream, scripted_peer.url)
    _forwarded_down(world, downstream)
    _forwarded_down(world, downstream)
    scripted_peer.script = [
        (422, {"code": "validation_error", "message": "x", "fields": {}}),
        (201, {"number": "H-2"}),
    ]

    report = deliver_peer(downstream.pk)

    assert (report.sent, report.failed) == (1, 1)
    m1, m2 = _messages(downstream)
    assert (m1.state, m1.last_error) == (MessageState.FAILED, "HTTP 422 validation_error")
    assert m2.state == MessageState.SENT

    assert message_retry(messages=[m1, m2]) == 1
    scripted_peer.script = [(201, {"number": "H-1"})]
    assert deliver_peer(downstream.pk).sent == 1
    assert _messages(downstream)[0].state == MessageState.SENT


def test_only_one_delivery_per_peer_at_a_time(world, downstream, scripted_peer):
    _point_at(downstream, scripted_peer.url)
    _forwarded_down(world, downstream)
    Peer.objects.filter(pk=downstream.pk).update(delivering_until=NOW + timedelta(seconds=30))

    report = deliver_peer(downstream.pk)

    assert (report.busy, report.sent) == (True, 0)
    assert scripted_peer.received == []
    # A lease left by a worker that died expires.
    with clock.travel(NOW + timedelta(seconds=31)):
        assert deliver_peer(downstream.pk).sent == 1
    assert Peer.objects.get(pk=downstream.pk).delivering_until is None


def test_inactive_peer_is_not_sent_to(world, downstream, scripted_peer):
    _point_at(downstream, scripted_peer.url)
    _forwarded_down(world, downstream)
    Peer.objects.filter(pk=downstream.pk).update(is_active=False)

    assert deliver_peer(downstream.pk).sent == 0
    assert deliver_all() == {}
    assert scripted_peer.received == []


def test_message_body_is_the_signed_json(world, downstream, scripted_peer):
    _point_at(downstream, scripted_peer.url)
    _forwarded_down(world, downstream)
    deliver_peer(downstream.pk)

    [request] = scripted_peer.received
    assert json.loads(request["body"]) == _messages(downstream)[0].payload
    assert request["headers"]["Content-Type"] == "application/json"


def test_periodic_sweep_sends_what_is_due(world, downstream, scripted_peer):
    from vikno.exchange.tasks import deliver_exchange_sweep

    _point_at(downstream, scripted_peer.url)
    appeal = _forwarded_down(world, downstream)

    deliver_exchange_sweep()  # huey runs it at once in the tests (immediate mode)

    assert [r["json"]["external_number"] for r in scripted_peer.received] == [appeal.number]
    assert _messages(downstream)[0].state == MessageState.SENT
