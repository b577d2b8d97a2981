"""The executor's inbox: exactly my organization's open assignments, counts per state,
and each inline action through the view (htmx and plain POST); refusals change nothing."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.appeals.conftest import reload
from tests.factories import UserFactory
from tests.staff_inbox.conftest import png_upload, snapshot
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.choices import AssignmentState, AttachmentPurpose, Status
from vikno.appeals.models import Assignment, Attachment, ExtensionRequest, ExtensionRequestState
from vikno.core.clock import end_of_local_day, local_date
from vikno.core.deadlines import extension_limit
from vikno.core.paging import CappedCount

HTMX = {"HTTP_HX_REQUEST": "true"}
INBOX = "/staff/inbox/"


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="assignment-(\d+)"', response.content.decode())]


def counts(response) -> dict[str, int]:
    """The tabs' counts (all below the cap here: exact)."""
    assert not any(tab["count"].more for tab in response.context["tabs"])
    return {tab["state"] or "all": tab["count"].value for tab in response.context["tabs"]}


def lead(appeal) -> Assignment:
    return Assignment.objects.filter(appeal=appeal, role="lead").order_by("-id").first()


def act_url(assignment, action) -> str:
    return reverse("staff:inbox_act", args=[assignment.pk, action])


def error_code(response) -> str | None:
    found = re.search(r'data-error-code="([a-z_]+)"', response.content.decode())
    return found.group(1) if found else None


@pytest.fixture
def executor_client(client, flow):
    client.force_login(flow.executor)
    return client


# --- the list ------------------------------------------------------------------------


def test_url_names():
    assert reverse("staff:inbox") == INBOX


def test_the_inbox_lists_exactly_my_organizations_open_assignments(executor_client, flow, world):
    new = flow.forwarded()
    accepted = flow.accepted()
    in_work = flow.in_work()
    flow.executed()  # done: not in the inbox
    flow.returned()  # returned: not ours any more
    flow.closed()
    roads = flow.forwarded(category=world["pothole"])  # another organization's
    co = flow.forwarded(category=world["pothole"], co_executors=[world["water"]])
    response = executor_client.get(INBOX)
    assert response.status_code == 200
    co_assignment = Assignment.objects.get(appeal=co, organization=world["water"])
    expected = [lead(new).pk, lead(accepted).pk, lead(in_work).pk, co_assignment.pk]
    # Most urgent first: all are due at the same moment here, so in the order of ids.
    assert rows(response) == sorted(expected)
    assert lead(roads).pk not in rows(response)
    assert counts(response) == {"all": 4, "pending": 2, "accepted": 1, "in_work": 1}
    body = response.content.decode()
    assert f'href="/staff/appeals/{new.number}/"' in body
    assert 'data-role="co"' in body
    assert 'accept="image/*" capture="environment"' in body


def test_tabs_filter_by_state_and_order_by_due(executor_client, flow):
    later = flow.forwarded()
    sooner = flow.forwarded(received_at=flow_now(flow) - timedelta(days=10))
    flow.accepted()
    response = executor_client.get(INBOX, {"state": "pending"})
    assert rows(response) == [lead(sooner).pk, lead(later).pk]
    assert counts(response) == {"all": 3, "pending": 2, "accepted": 1, "in_work": 0}
    assert executor_client.get(INBOX, {"state": "accepted"}).context["state"] == "accepted"
    assert executor_client.get(INBOX, {"state": "bogus"}).context["state"] == ""


def flow_now(flow):
    from vikno.core.clock import now

    return now()


def test_overdue_rows_are_red_and_counted(executor_client, flow):
    overdue = flow.forwarded(received_at=flow_now(flow) - timedelta(days=20))
    response = executor_client.get(INBOX)
    body = response.content.decode()
    assert re.search(
        rf'class="assignment urgency--overdue" id="assignment-{lead(overdue).pk}"', body
    )
    assert response.context["overdue"] == CappedCount(1)


def test_the_inbox_needs_no_query_per_row(executor_client, flow):
    flow.forwarded()
    with CaptureQueriesContext(connection) as few:
        executor_client.get(INBOX)
    for _ in range(6):
        flow.in_work()
    with CaptureQueriesContext(connection) as many:
        response = executor_client.get(INBOX)
    assert len(rows(response)) == 7
    assert len(many) == len(few)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ANALYST])
def test_roles_without_an_inbox_get_403(client, world, role):
    client.force_login(world["users"][role])
    assert client.get(INBOX).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"] or "login" in response["Location"]


def test_an_executor_without_an_organization_sees_a_notice(client, world):
    client.force_login(UserFactory(username="loose", role=Role.EXECUTOR))
    response = client.get(INBOX)
    assert response.status_code == 200
    assert "rows" not in response.context
    assert counts(response) == {"all": 0, "pending": 0, "accepted": 0, "in_work": 0}


# --- inline actions ------------------------------------------------------------------


def test_accept_with_htmx_swaps_the_row_and_the_counts(executor_client, flow):
    appeal = flow.forwarded()
    response = executor_client.post(act_url(lead(appeal), "accept"), {"tab": ""}, **HTMX)
    assert response.status_code == 200
    assert lead(appeal).state == AssignmentState.ACCEPTED
    assert reload(appeal).status == Status.ACCEPTED
    body = response.content.decode()
    assert rows(response) == [lead(appeal).pk]
    assert 'data-assignment-state="accepted"' in body
    assert 'id="inbox-tabs"' in body and 'hx-swap-oob="true"' in body
    assert counts(response) == {"all": 1, "pending": 0, "accepted": 1, "in_work": 0}


def test_accept_without_javascript_redirects_back(executor_client, flow):
    appeal = flow.forwarded()
    response = executor_client.post(
        act_url(lead(appeal), "accept"), {"next": "/staff/inbox/?state=pending"}
    )
    assert (response.status_code, response["Location"]) == (302, "/staff/inbox/?state=pending")
    assert lead(appeal).state == AssignmentState.ACCEPTED


def test_next_pointing_elsewhere_is_ignored(executor_client, flow):
    appeal = flow.forwarded()
    response = executor_client.post(
        act_url(lead(appeal), "accept"), {"next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, INBOX)


def test_accepting_twice_is_refused_and_changes_nothing(executor_client, flow):
    appeal = flow.accepted()
    before = snapshot(appeal)
    response = executor_client.post(act_url(lead(appeal), "accept"))
    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"
    assert snapshot(appeal) == before
    htmx = executor_client.post(act_url(lead(appeal), "accept"), **HTMX)
    assert (htmx.status_code, error_code(htmx)) == (200, "invalid_transition")
    assert snapshot(appeal) == before


def test_start_work(executor_client, flow):
    appeal = flow.accepted()
    response = executor_client.post(act_url(lead(appeal), "start"), **HTMX)
    assert response.status_code == 200
    assert (lead(appeal).state, reload(appeal).status) == ("in_work", Status.IN_WORK)


def test_return_needs_a_reason_and_without_one_changes_nothing(executor_client, flow):
    appeal = flow.forwarded()
    before = snapshot(appeal)
    response = executor_client.post(act_url(lead(appeal), "return"), {"reason": "  "})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert f'id="return-{lead(appeal).pk}-error"' in response.content.decode()
    assert snapshot(appeal) == before
    htmx = executor_client.post(act_url(lead(appeal), "return"), {"reason": ""}, **HTMX)
    assert (htmx.status_code, error_code(htmx)) == (200, "validation_error")
    assert '<details class="inline-action" open>' in htmx.content.decode()
    assert snapshot(appeal) == before


def test_return_with_a_reason(executor_client, flow):
    appeal = flow.forwarded()
    assignment = lead(appeal)
    response = executor_client.post(
        act_url(assignment, "return"), {"reason": "Мережа на балансі ОСББ."}, **HTMX
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert (assignment.state, assignment.return_reason) == ("returned", "Мережа на балансі ОСББ.")
    assert reload(appeal).status == Status.RETURNED
    assert counts(response)["all"] == 0


def test_report_with_a_photo_stores_a_report_attachment(executor_client, flow):
    appeal = flow.in_work()
    response = executor_client.post(
        act_url(lead(appeal), "report"),
        {"report": "Замінено засувку, воду подано.", "files": [png_upload()]},
        **HTMX,
    )
    assert response.status_code == 200
    appeal = reload(appeal)
    assert (appeal.status, appeal.answer) == (Status.EXECUTED, "Замінено засувку, воду подано.")
    attachment = Attachment.objects.get(appeal=appeal)
    assert (attachment.purpose, attachment.content_type, attachment.extension) == (
        AttachmentPurpose.REPORT,
        "image/png",
        ".png",
    )
    assert attachment.original_name == "photo.png"
    assert attachment.file.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert lead(appeal).state == AssignmentState.EXECUTED


def test_report_with_a_file_that_is_not_a_photo_changes_nothing(executor_client, flow):
    from django.core.files.uploadedfile import SimpleUploadedFile

    appeal = flow.in_work()
    before = snapshot(appeal)
    response = executor_client.post(
        act_url(lead(appeal), "report"),
        {"report": "Зроблено.", "files": [SimpleUploadedFile("x.png", b"not an image")]},
    )
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert snapshot(appeal) == before


def test_report_without_text_changes_nothing(executor_client, flow):
    appeal = flow.in_work()
    before = snapshot(appeal)
    response = executor_client.post(act_url(lead(appeal), "report"), {"report": ""}, **HTMX)
    assert error_code(response) == "validation_error"
    assert snapshot(appeal) == before


def test_request_an_extension(executor_client, flow):
    appeal = flow.in_work()
    day = local_date(appeal.due_at) + timedelta(days=10)
    response = executor_client.post(
        act_url(lead(appeal), "extension"),
        {"due": f"{day:%Y-%m-%d}", "reason": "Чекаємо на деталь."},
        **HTMX,
    )
    assert response.status_code == 200
    request = ExtensionRequest.objects.get()
    assert (request.assignment_id, request.state, request.due_at, request.reason) == (
        lead(appeal).pk,
        ExtensionRequestState.PENDING,
        end_of_local_day(day),
        "Чекаємо на деталь.",
    )
    # The row now says that a request is waiting, and offers no second one.
    body = response.content.decode()
    assert f"{day:%d.%m.%Y}" in body
    assert act_url(lead(appeal), "extension") not in body


def test_an_extension_past_the_cap_is_refused_and_changes_nothing(executor_client, flow):
    appeal = flow.in_work()
    before = snapshot(appeal)
    day = local_date(extension_limit(appeal.received_at)) + timedelta(days=1)
    response = executor_client.post(
        act_url(lead(appeal), "extension"), {"due": f"{day:%Y-%m-%d}", "reason": "Довго."}
    )
    assert (response.status_code, error_code(response)) == (422, "term_exceeds_limit")
    assert snapshot(appeal) == before


@pytest.mark.parametrize("due", ["", "завтра", "2026-02-30"])
def test_an_extension_without_a_valid_date_changes_nothing(executor_client, flow, due):
    appeal = flow.in_work()
    before = snapshot(appeal)
    response = executor_client.post(
        act_url(lead(appeal), "extension"), {"due": due, "reason": "Довго."}, **HTMX
    )
    assert (response.status_code, error_code(response)) == (200, "validation_error")
    assert f'id="due-{lead(appeal).pk}-error"' in response.content.decode()
    assert snapshot(appeal) == before


def test_another_organizations_assignment_is_not_found(client, flow, world):
    appeal = flow.forwarded()
    client.force_login(world["users"]["roads_executor"])
    before = snapshot(appeal)
    for action in ("accept", "return", "extension"):
        response = client.post(act_url(lead(appeal), action), {"reason": "x", "due": "2026-03-20"})
        assert response.status_code == 404
    assert snapshot(appeal) == before


def test_an_unknown_action_is_not_found(executor_client, flow):
    appeal = flow.forwarded()
    assert executor_client.post(act_url(lead(appeal), "close")).status_code == 404


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ANALYST])
def test_roles_without_an_inbox_cannot_act(client, flow, world, role):
    appeal = flow.forwarded()
    client.force_login(world["users"][role])
    before = snapshot(appeal)
    assert client.post(act_url(lead(appeal), "accept")).status_code == 403
    assert snapshot(appeal) == before


def test_actions_need_post(executor_client, flow):
    appeal = flow.forwarded()
    assert executor_client.get(act_url(lead(appeal), "accept")).status_code == 405
    assert lead(appeal).state == AssignmentState.PENDING


def test_a_supervisor_bound_to_an_organization_works_its_inbox(client, flow, world):
    head = UserFactory(username="water_head", role=Role.SUPERVISOR, organization=world["water"])
    appeal = flow.forwarded()
    client.force_login(head)
    assert rows(client.get(INBOX)) == [lead(appeal).pk]
    client.post(act_url(lead(appeal), "accept"), **HTMX)
    assert lead(appeal).official_id == head.pk


def test_services_are_what_the_view_calls(executor_client, flow):
    """The same refusal from the service and from the page: one rule, one code."""
    appeal = flow.in_work()
    services.extension_request(
        actor=flow.executor,
        appeal=appeal,
        due=appeal.due_at + timedelta(days=2),
        reason="Перший запит.",
    )
    day = local_date(appeal.due_at) + timedelta(days=4)
    response = executor_client.post(
        act_url(lead(appeal), "extension"), {"due": f"{day:%Y-%m-%d}", "reason": "Другий."}
    )
    assert (response.status_code, error_code(response)) == (409, "extension_pending")
    assert ExtensionRequest.objects.count() == 1


def test_past_the_45_day_cap_no_extension_is_offered(executor_client, flow):
    appeal = flow.in_work(received_at=flow_now(flow) - timedelta(days=46))
    body = executor_client.get(INBOX).content.decode()
    assert act_url(lead(appeal), "extension") not in body
    assert act_url(lead(appeal), "report") in body
