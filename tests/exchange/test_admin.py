"""The admin pages of the exchange: the secret is never shown; the outbox is read-only."""

from tests.exchange.conftest import SECRET
from tests.exchange.test_outbound import _forwarded_down
from vikno.exchange.models import MessageState, OutboxMessage


def test_admin_pages_never_show_the_secret(client, world, downstream):
    _forwarded_down(world, downstream)
    client.force_login(world["users"]["administrator"])

    pages = [
        "/admin/exchange/peer/",
        f"/admin/exchange/peer/{downstream.pk}/change/",
        "/admin/exchange/outboxmessage/",
        f"/admin/exchange/outboxmessage/{OutboxMessage.objects.get().pk}/change/",
        "/admin/exchange/exchangelink/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page
    assert client.get("/admin/exchange/peer/add/").status_code == 403


def test_admin_sends_a_failed_message_again(client, world, downstream):
    _forwarded_down(world, downstream)
    OutboxMessage.objects.update(state=MessageState.FAILED)
    client.force_login(world["users"]["administrator"])

    response = client.post(
        "/admin/exchange/outboxmessage/",
        {"action": "retry_now", "_selected_action": [OutboxMessage.objects.get().pk]},
    )

    assert response.status_code == 302
    assert OutboxMessage.objects.get().state == MessageState.PENDING


def test_card_shows_the_exchange_links(client, world, downstream, upstream):
    from tests.exchange.conftest import APPEALS, appeal_message, signed_post
    from vikno.exchange.models import ExchangeLink

    down = _forwarded_down(world, downstream)
    ExchangeLink.objects.filter(appeal=down).update(external_number="H-2026-7")
    client.cookies["django_language"] = "en"
    number = signed_post(client, APPEALS, appeal_message()).json()["number"]
    client.force_login(world["users"]["operator"])

    handed_down = client.get(f"/staff/appeals/{down.number}/").content.decode()
    handed_to_us = client.get(f"/staff/appeals/{number}/").content.decode()

    assert "<dt>handed down to</dt><dd>Громада, № H-2026-7</dd>" in handed_down
    assert (
        "<dt>handed down by</dt><dd>Урядовий контактний центр, № UKC-2026-000123</dd>"
        in handed_to_us
    )
