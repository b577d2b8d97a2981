"""The appeal card's extension slot: the executor's request form, the head's decision,
each posting back to the slot; only what the person may do is offered."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.staff_inbox.conftest import snapshot
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.models import Assignment, ExtensionRequest, ExtensionRequestState
from vikno.core.clock import end_of_local_day, local_date
from vikno.staff.inbox.helpers import extension_bounds

HTMX = {"HTTP_HX_REQUEST": "true"}


def slot_url(appeal) -> str:
    return reverse("staff:extension_slot", args=[appeal.number])


def lead(appeal) -> Assignment:
    return Assignment.objects.filter(appeal=appeal, role="lead").order_by("-id").first()


def ask(flow, appeal):
    return services.extension_request(
        actor=flow.executor,
        appeal=appeal,
        due=appeal.due_at + timedelta(days=5),
        reason="Чекаємо на деталь.",
    )


def test_the_executor_gets_the_request_form(client, flow):
    appeal = flow.in_work()
    client.force_login(flow.executor)
    response = client.get(slot_url(appeal), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert reverse("staff:inbox_act", args=[lead(appeal).pk, "extension"]) in body
    assert 'name="slot"' in body
    assert reverse("staff:control_decide", args=[1]) not in body


def test_without_javascript_the_slot_is_a_page(client, flow):
    appeal = flow.in_work()
    client.force_login(flow.executor)
    body = client.get(slot_url(appeal)).content.decode()
    assert "<html" in body and 'id="extension-slot"' in body


def test_the_executor_requests_from_the_slot(client, flow):
    appeal = flow.in_work()
    client.force_login(flow.executor)
    day = local_date(appeal.due_at) + timedelta(days=3)
    url = reverse("staff:inbox_act", args=[lead(appeal).pk, "extension"])
    data = {"due": f"{day:%Y-%m-%d}", "reason": "Чекаємо.", "slot": appeal.number}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    request = ExtensionRequest.objects.get()
    assert (request.due_at, request.state) == (end_of_local_day(day), "pending")
    body = response.content.decode()
    # The slot again: the pending request, and no second form.
    assert f'id="extension-request-{request.pk}"' in body
    assert url not in body
    # A second one (here without JavaScript) is refused on a page that says why.
    response = client.post(url, data)
    assert response.status_code == 409
    assert 'data-error-code="extension_pending"' in response.content.decode()


def test_a_refused_request_from_the_slot_changes_nothing(client, flow):
    appeal = flow.in_work()
    client.force_login(flow.executor)
    url = reverse("staff:inbox_act", args=[lead(appeal).pk, "extension"])
    before = snapshot(appeal)
    response = client.post(url, {"due": "", "reason": "", "slot": appeal.number}, **HTMX)
    body = response.content.decode()
    assert 'data-error-code="validation_error"' in body
    assert 'id="slot-due-error"' in body
    assert snapshot(appeal) == before


def test_the_head_decides_from_the_slot(client, flow):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    client.force_login(flow.supervisor)
    decide = reverse("staff:control_decide", args=[request.pk])
    assert decide in client.get(slot_url(appeal), **HTMX).content.decode()
    response = client.post(decide, {"decision": "approve", "slot": appeal.number}, **HTMX)
    assert response.status_code == 200
    assert decide not in response.content.decode()
    request.refresh_from_db()
    assert request.state == ExtensionRequestState.APPROVED
    appeal.refresh_from_db()
    assert appeal.due_at == request.due_at
    # Without JavaScript a decision from the slot goes back to the card.
    other = flow.in_work()
    second = ask(flow, other)
    response = client.post(
        reverse("staff:control_decide", args=[second.pk]),
        {"decision": "refuse", "note": "Ні.", "slot": other.number},
    )
    assert (response.status_code, response["Location"]) == (302, f"/staff/appeals/{other.number}/")


def test_the_executor_sees_the_pending_request_but_cannot_decide(client, flow):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    client.force_login(flow.executor)
    body = client.get(slot_url(appeal), **HTMX).content.decode()
    assert f'id="extension-request-{request.pk}"' in body
    assert reverse("staff:control_decide", args=[request.pk]) not in body


@pytest.mark.parametrize("who", [Role.ANALYST, Role.OPERATOR])
def test_others_only_read(client, flow, world, who):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    client.force_login(world["users"][who])
    body = client.get(slot_url(appeal), **HTMX).content.decode()
    assert f'id="extension-request-{request.pk}"' in body
    assert not re.search(r"<form", body)


def test_another_organizations_executor_does_not_see_it(client, flow, world):
    appeal = flow.in_work()
    client.force_login(world["users"]["roads_executor"])
    assert client.get(slot_url(appeal), **HTMX).status_code == 404


def test_the_card_loads_the_slot(client, flow):
    appeal = flow.in_work()
    client.force_login(flow.executor)
    body = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert f'hx-get="{slot_url(appeal)}"' in body


def test_date_bounds(flow, clock):
    appeal = flow.in_work()
    bounds = extension_bounds(appeal, clock)
    # The term ends at the end of its day, so the first later date is the next day.
    assert bounds["min"] == local_date(appeal.due_at) + timedelta(days=1)
    assert bounds["max"] == local_date(appeal.received_at) + timedelta(days=45)


def test_a_supervisor_bound_elsewhere_reads_but_does_not_decide(client, flow, world):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    head = UserFactory(username="rh", role=Role.SUPERVISOR, organization=world["roads"])
    client.force_login(head)
    # A head of another subtree does not see this appeal at all.
    assert client.get(slot_url(appeal), **HTMX).status_code == 404
    assert ExtensionRequest.objects.get(pk=request.pk).state == "pending"


def test_past_the_cap_the_slot_offers_no_request(client, flow, clock):
    appeal = flow.in_work(received_at=clock - timedelta(days=46))
    assert extension_bounds(appeal, clock)["open"] is False
    client.force_login(flow.executor)
    body = client.get(slot_url(appeal), **HTMX).content.decode()
    assert reverse("staff:inbox_act", args=[lead(appeal).pk, "extension"]) not in body
