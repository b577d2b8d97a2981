"""The supervisor's control board: exact counts per organization in a bounded number of
queries, the list behind each number, extension decisions and verification from the
board; who may open it and act."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.appeals.conftest import reload
from tests.factories import OrganizationFactory, UserFactory
from tests.staff_inbox.conftest import T0, snapshot
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.choices import EventKind, Status
from vikno.appeals.models import AppealEvent, Assignment, ExtensionRequestState

HTMX = {"HTTP_HX_REQUEST": "true"}
CONTROL = "/staff/control/"


def lead(appeal) -> Assignment:
    return Assignment.objects.filter(appeal=appeal, role="lead").order_by("-id").first()


def board(response) -> dict[str, tuple[int, int, int]]:
    return {
        o.code: (o.open_count, o.due_soon_count, o.overdue_count) for o in response.context["board"]
    }


def error_code(response) -> str | None:
    found = re.search(r'data-error-code="([a-z_]+)"', response.content.decode())
    return found.group(1) if found else None


def ask(flow, appeal, days=5):
    return services.extension_request(
        actor=flow.executor,
        appeal=appeal,
        due=appeal.due_at + timedelta(days=days),
        reason="Чекаємо на деталь.",
    )


@pytest.fixture
def supervisor_client(client, flow):
    client.force_login(flow.supervisor)
    return client


@pytest.fixture
def scene(flow, world):
    """Water: 2 overdue, 1 due soon, 1 later, 1 as co-executor, 1 executed; roads: 1 overdue
    lead, 1 later lead; a closed appeal; nothing for the city itself."""
    ago = lambda days: T0 - timedelta(days=days)  # noqa: E731
    s = {
        "overdue_1": flow.forwarded(received_at=ago(20)),
        "overdue_2": flow.in_work(received_at=ago(18)),
        "soon": flow.accepted(received_at=ago(14)),
        "later": flow.forwarded(),
        "executed": flow.executed(),
        "closed": flow.closed(received_at=ago(30)),
        "roads_overdue": flow.forwarded(category=world["pothole"], received_at=ago(40)),
        "roads_with_co": flow.forwarded(category=world["pothole"], co_executors=[world["water"]]),
    }
    return s


# --- who may open it -----------------------------------------------------------------


def test_url_names():
    assert reverse("staff:control") == CONTROL


@pytest.mark.parametrize("who", ["executor", Role.OPERATOR, Role.ANALYST])
def test_others_than_heads_get_403(client, world, who):
    client.force_login(world["users"][who])
    assert client.get(CONTROL).status_code == 403


@pytest.mark.parametrize("who", [Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_heads_open_it(client, world, who):
    client.force_login(world["users"][who])
    assert client.get(CONTROL).status_code == 200


# --- the board -----------------------------------------------------------------------


def test_board_counts_are_exact_per_organization(supervisor_client, scene):
    response = supervisor_client.get(CONTROL)
    assert board(response) == {
        "vodokanal": (5, 1, 2),
        "roads": (2, 0, 1),
        "city": (0, 0, 0),
    }
    # The worst first.
    assert [o.code for o in response.context["board"]] == ["vodokanal", "roads", "city"]
    assert response.context["totals"] == {"open": 7, "due_soon": 1, "overdue": 3}


def test_the_board_takes_no_query_per_organization(supervisor_client, flow, world, scene):
    with CaptureQueriesContext(connection) as few:
        supervisor_client.get(CONTROL)
    for n in range(5):
        organization = OrganizationFactory(code=f"unit-{n}", parent=world["city"])
        appeal = flow.preprocessed()
        services.appeal_forward(actor=flow.operator, appeal=appeal, organization=organization)
    with CaptureQueriesContext(connection) as many:
        response = supervisor_client.get(CONTROL)
    assert len(board(response)) == 8
    assert board(response)["unit-4"] == (1, 0, 0)
    assert len(many) == len(few)


def test_a_supervisor_bound_to_an_organization_sees_its_subtree(client, flow, world, scene):
    client.force_login(UserFactory(username="w", role=Role.SUPERVISOR, organization=world["water"]))
    response = client.get(CONTROL)
    assert board(response) == {"vodokanal": (5, 1, 2)}
    assert client.get(CONTROL, {"organization": "roads"}).status_code == 404
    client.force_login(UserFactory(username="c", role=Role.SUPERVISOR, organization=world["city"]))
    assert set(board(client.get(CONTROL))) == {"city", "vodokanal", "roads"}


@pytest.mark.parametrize(
    ("which", "names"),
    [
        ("overdue", ["overdue_1", "overdue_2"]),
        ("due_soon", ["soon"]),
        ("open", ["overdue_1", "overdue_2", "soon", "later", "roads_with_co"]),
    ],
)
def test_a_number_opens_its_list(supervisor_client, scene, world, which, names):
    response = supervisor_client.get(CONTROL, {"organization": "vodokanal", "which": which})
    water = world["water"]
    expected = [Assignment.objects.get(appeal=scene[name], organization=water).pk for name in names]
    # Most urgent first (by due, then id).
    expected_order = list(
        Assignment.objects.filter(pk__in=expected)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )
    assert [row.assignment.pk for row in response.context["rows"]] == expected_order
    assert response.context["selected"].code == "vodokanal"


def test_the_list_alone_for_htmx(supervisor_client, scene):
    response = supervisor_client.get(
        CONTROL, {"organization": "roads", "which": "overdue", "part": "list"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<table" not in body
    assert re.findall(r'data-assignment="(\d+)"', body) == [str(lead(scene["roads_overdue"]).pk)]


# --- extension requests --------------------------------------------------------------


def test_pending_requests_are_listed_within_the_scope(client, flow, world, scene):
    mine = ask(flow, scene["later"])
    client.force_login(flow.supervisor)
    listed = [e["item"].pk for e in client.get(CONTROL).context["extensions"]]
    assert listed == [mine.pk]
    client.force_login(UserFactory(username="r", role=Role.SUPERVISOR, organization=world["roads"]))
    assert client.get(CONTROL).context["extensions"] == []


def test_approve_from_the_board(supervisor_client, flow, scene):
    appeal = scene["later"]
    request = ask(flow, appeal)
    url = reverse("staff:control_decide", args=[request.pk])
    response = supervisor_client.post(url, {"decision": "approve"}, **HTMX)
    assert response.status_code == 200
    assert 'data-request-state="approved"' in response.content.decode()
    request.refresh_from_db()
    assert request.state == ExtensionRequestState.APPROVED
    assert reload(appeal).due_at == request.due_at
    assert lead(appeal).due_at == request.due_at


def test_refuse_needs_a_note_and_without_one_changes_nothing(supervisor_client, flow, scene):
    appeal = scene["later"]
    request = ask(flow, appeal)
    url = reverse("staff:control_decide", args=[request.pk])
    before = snapshot(appeal)
    response = supervisor_client.post(url, {"decision": "refuse", "note": ""})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert f'id="refuse-note-{request.pk}-error"' in response.content.decode()
    assert snapshot(appeal) == before
    response = supervisor_client.post(url, {"decision": "refuse", "note": " "}, **HTMX)
    assert (response.status_code, error_code(response)) == (200, "validation_error")
    assert snapshot(appeal) == before


def test_refuse_with_a_note(supervisor_client, flow, scene):
    appeal = scene["later"]
    request = ask(flow, appeal)
    url = reverse("staff:control_decide", args=[request.pk])
    response = supervisor_client.post(url, {"decision": "refuse", "note": "Встигнете."})
    assert (response.status_code, response["Location"]) == (302, CONTROL)
    request.refresh_from_db()
    assert (request.state, request.decision_note) == (ExtensionRequestState.REFUSED, "Встигнете.")
    assert AppealEvent.objects.filter(appeal=appeal).last().kind == EventKind.EXTENSION_REFUSED


def test_deciding_twice_is_refused(supervisor_client, flow, scene):
    appeal = scene["later"]
    request = ask(flow, appeal)
    url = reverse("staff:control_decide", args=[request.pk])
    supervisor_client.post(url, {"decision": "approve"})
    before = snapshot(appeal)
    response = supervisor_client.post(url, {"decision": "refuse", "note": "Ні."})
    assert (response.status_code, error_code(response)) == (409, "extension_decided")
    assert snapshot(appeal) == before


def test_a_head_of_another_subtree_cannot_decide(client, flow, world, scene):
    appeal = scene["later"]
    request = ask(flow, appeal)
    client.force_login(UserFactory(username="r", role=Role.SUPERVISOR, organization=world["roads"]))
    before = snapshot(appeal)
    url = reverse("staff:control_decide", args=[request.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert client.post(url, {"decision": "refuse", "note": "Ні."}).status_code == 404
    assert snapshot(appeal) == before


@pytest.mark.parametrize("who", ["executor", Role.ANALYST, Role.OPERATOR])
def test_others_cannot_decide_or_verify(client, flow, world, scene, who):
    appeal = scene["later"]
    request = ask(flow, appeal)
    executed = scene["executed"]
    before = (snapshot(appeal), snapshot(executed))
    client.force_login(world["users"][who])
    decide = reverse("staff:control_decide", args=[request.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    verify = reverse("staff:control_verify", args=[executed.number])
    assert client.post(verify, {"confirmed": "1"}).status_code == 403
    assert (snapshot(appeal), snapshot(executed)) == before


def test_a_bad_decision_value_is_not_found(supervisor_client, flow, scene):
    request = ask(flow, scene["later"])
    url = reverse("staff:control_decide", args=[request.pk])
    assert supervisor_client.post(url, {"decision": "maybe"}).status_code == 404
    assert reverse("staff:control_decide", args=[999]) != url
    assert (
        supervisor_client.post(
            reverse("staff:control_decide", args=[999]), {"decision": "approve"}
        ).status_code
        == 404
    )


# --- verification --------------------------------------------------------------------


def test_executed_appeals_await_verification(supervisor_client, scene):
    listed = [e["item"].number for e in supervisor_client.get(CONTROL).context["verifications"]]
    assert listed == [scene["executed"].number]


def test_confirmed_closes_the_appeal(supervisor_client, scene):
    appeal = scene["executed"]
    url = reverse("staff:control_verify", args=[appeal.number])
    response = supervisor_client.post(url, {"confirmed": "1"}, **HTMX)
    assert response.status_code == 200
    assert 'data-status="closed"' in response.content.decode()
    appeal = reload(appeal)
    assert (appeal.status, appeal.outcome) == (Status.CLOSED, "resolved")


def test_not_confirmed_needs_a_note_and_sends_back_to_work(supervisor_client, scene):
    appeal = scene["executed"]
    url = reverse("staff:control_verify", args=[appeal.number])
    before = snapshot(appeal)
    response = supervisor_client.post(url, {"confirmed": "0", "note": ""})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert snapshot(appeal) == before
    response = supervisor_client.post(url, {"confirmed": "0", "note": "Води досі немає."})
    assert response.status_code == 302
    appeal = reload(appeal)
    assert appeal.status == Status.IN_WORK
    event = AppealEvent.objects.filter(appeal=appeal).last()
    assert (event.kind, event.comment) == (EventKind.NOT_CONFIRMED, "Води досі немає.")


def test_verifying_twice_is_refused(supervisor_client, scene):
    appeal = scene["executed"]
    url = reverse("staff:control_verify", args=[appeal.number])
    supervisor_client.post(url, {"confirmed": "1"})
    before = snapshot(appeal)
    response = supervisor_client.post(url, {"confirmed": "1"})
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")
    assert snapshot(appeal) == before


def test_a_head_of_another_subtree_cannot_verify(client, world, scene):
    appeal = scene["executed"]
    client.force_login(UserFactory(username="r", role=Role.SUPERVISOR, organization=world["roads"]))
    before = snapshot(appeal)
    url = reverse("staff:control_verify", args=[appeal.number])
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert snapshot(appeal) == before
    assert client.get(CONTROL).context["verifications"] == []
