"""extension_request and extension_decide: who may ask and decide, the term rules shared
with appeal_extend, one pending request per assignment, a decision is final; and every
refusal changes nothing."""

from datetime import timedelta

import pytest

from tests.appeals.conftest import reload
from tests.factories import UserFactory
from tests.staff_inbox.conftest import T0, snapshot
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.choices import AssignmentState, EventKind, Status
from vikno.appeals.models import AppealEvent, Assignment, ExtensionRequest, ExtensionRequestState
from vikno.core.clock import end_of_local_day, local_date, travel
from vikno.core.deadlines import extension_limit
from vikno.core.errors import Forbidden, InvalidTransition, ValidationFailed


def ask(flow, appeal, days=5, actor=None, reason="Потрібна заміна засувки, чекаємо деталь."):
    return services.extension_request(
        actor=actor or flow.executor,
        appeal=appeal,
        due=end_of_local_day(local_date(appeal.due_at) + timedelta(days=days)),
        reason=reason,
    )


ACTIVE = [AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.IN_WORK]


def lead(appeal) -> Assignment:
    return Assignment.objects.get(appeal=appeal, role="lead", state__in=ACTIVE)


# --- extension_request ---------------------------------------------------------------


def test_executor_requests_an_extension(flow):
    appeal = flow.in_work()
    before_due = appeal.due_at
    request = ask(flow, appeal)
    request.refresh_from_db()
    expected_due = end_of_local_day(local_date(before_due) + timedelta(days=5))
    assert (request.appeal_id, request.assignment_id, request.requested_by_id) == (
        appeal.pk,
        lead(appeal).pk,
        flow.executor.pk,
    )
    assert (request.state, request.due_at, request.requested_at) == (
        ExtensionRequestState.PENDING,
        expected_due,
        T0,
    )
    assert request.reason == "Потрібна заміна засувки, чекаємо деталь."
    event = AppealEvent.objects.filter(appeal=appeal).order_by("-id").first()
    assert (event.kind, event.actor_id, event.from_status, event.to_status, event.comment) == (
        EventKind.EXTENSION_REQUESTED,
        flow.executor.pk,
        Status.IN_WORK,
        Status.IN_WORK,
        "Потрібна заміна засувки, чекаємо деталь.",
    )
    assert event.data == {
        "request": request.pk,
        "organization": "КП «Водоканал»",
        "from": before_due.isoformat(),
        "to": request.due_at.isoformat(),
    }
    # Asking changes no term: only the head's approval does.
    assert reload(appeal).due_at == before_due
    assert lead(appeal).due_at == before_due


def test_a_new_assignment_may_ask_before_accepting(flow):
    appeal = flow.forwarded()
    request = ask(flow, appeal)
    assert request.assignment.state == AssignmentState.PENDING


def test_exactly_the_45_day_cap_is_allowed(flow):
    appeal = flow.forwarded()
    request = services.extension_request(
        actor=flow.executor,
        appeal=appeal,
        due=extension_limit(appeal.received_at),
        reason="Складний ремонт.",
    )
    assert request.due_at == extension_limit(appeal.received_at)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ANALYST])
def test_roles_outside_execution_cannot_ask(flow, world, role):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(Forbidden) as refused:
        ask(flow, appeal, actor=world["users"][role])
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert snapshot(appeal) == before


def test_executor_of_another_organization_cannot_ask(flow, world):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(Forbidden) as refused:
        ask(flow, appeal, actor=world["users"]["roads_executor"])
    assert refused.value.code == "forbidden"
    assert snapshot(appeal) == before


def test_executor_without_an_active_assignment_cannot_ask(flow):
    appeal = flow.executed()
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition):
        ask(flow, appeal)
    assert snapshot(appeal) == before


def test_past_the_cap_is_refused_with_the_code_of_appeal_extend(flow):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.extension_request(
            actor=flow.executor,
            appeal=appeal,
            due=extension_limit(appeal.received_at) + timedelta(seconds=1),
            reason="Складний ремонт.",
        )
    assert (refused.value.code, refused.value.status) == ("term_exceeds_limit", 422)
    assert list(refused.value.fields) == ["due_at"]
    assert snapshot(appeal) == before
    # appeal_extend refuses the same term with the same code.
    with pytest.raises(ValidationFailed) as extend_refused:
        services.appeal_extend(
            actor=flow.supervisor,
            appeal=appeal,
            due=extension_limit(appeal.received_at) + timedelta(seconds=1),
            reason="Складний ремонт.",
        )
    assert extend_refused.value.code == refused.value.code


@pytest.mark.parametrize("days", [0, -1])
def test_a_term_not_later_than_the_current_one_is_refused(flow, days):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.extension_request(
            actor=flow.executor,
            appeal=appeal,
            due=appeal.due_at + timedelta(days=days),
            reason="Складний ремонт.",
        )
    assert (refused.value.code, list(refused.value.fields)) == ("validation_error", ["due_at"])
    assert snapshot(appeal) == before


def test_a_reason_is_required(flow):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        ask(flow, appeal, reason="   ")
    assert list(refused.value.fields) == ["reason"]
    assert snapshot(appeal) == before


def test_a_second_pending_request_is_refused(flow):
    appeal = flow.in_work()
    ask(flow, appeal)
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        ask(flow, appeal, days=7)
    assert (refused.value.code, refused.value.status) == ("extension_pending", 409)
    assert snapshot(appeal) == before


def test_a_closed_appeal_cannot_get_a_request(flow):
    appeal = flow.closed()
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition):
        ask(flow, appeal)
    assert snapshot(appeal) == before


def test_a_co_executor_asks_for_its_own_assignment(flow, world):
    appeal = flow.forwarded(co_executors=[world["roads"]])
    request = ask(flow, appeal, actor=world["users"]["roads_executor"])
    assert (request.assignment.organization_id, request.assignment.role) == (
        world["roads"].pk,
        "co",
    )


# --- extension_decide ----------------------------------------------------------------


def test_approval_extends_the_appeal_and_its_assignments(flow, world):
    appeal = flow.forwarded(co_executors=[world["roads"]])
    request = ask(flow, appeal)
    decided = services.extension_decide(actor=flow.supervisor, request=request, approve=True)
    decided.refresh_from_db()
    appeal = reload(appeal)
    assert (decided.state, decided.decided_by_id, decided.decided_at, decided.decision_note) == (
        ExtensionRequestState.APPROVED,
        flow.supervisor.pk,
        T0,
        "",
    )
    assert appeal.due_at == request.due_at
    assert list(
        Assignment.objects.filter(appeal=appeal).order_by("id").values_list("due_at", flat=True)
    ) == [request.due_at, request.due_at]
    event = AppealEvent.objects.filter(appeal=appeal).order_by("-id").first()
    assert (event.kind, event.actor_id, event.comment) == (
        EventKind.EXTENDED,
        flow.supervisor.pk,
        "Потрібна заміна засувки, чекаємо деталь.",
    )
    assert event.data["to"] == decided.due_at.isoformat()
    # The next request may be made once the first is decided.
    assert ask(flow, appeal, days=3).state == ExtensionRequestState.PENDING


def test_a_supervisor_bound_to_a_parent_organization_decides_for_its_subtree(flow, world):
    head = UserFactory(username="city_head", role=Role.SUPERVISOR, organization=world["city"])
    appeal = flow.in_work()
    decided = services.extension_decide(actor=head, request=ask(flow, appeal), approve=True)
    assert decided.state == ExtensionRequestState.APPROVED


def test_a_supervisor_of_another_subtree_cannot_decide(flow, world):
    head = UserFactory(username="roads_head", role=Role.SUPERVISOR, organization=world["roads"])
    appeal = flow.in_work()
    request = ask(flow, appeal)
    before = snapshot(appeal)
    with pytest.raises(Forbidden):
        services.extension_decide(actor=head, request=request, approve=True)
    with pytest.raises(Forbidden):
        services.extension_decide(actor=head, request=request, approve=False, note="Ні.")
    assert snapshot(appeal) == before


@pytest.mark.parametrize("who", ["executor", Role.OPERATOR, Role.ANALYST])
def test_only_heads_decide(flow, world, who):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    before = snapshot(appeal)
    with pytest.raises(Forbidden):
        services.extension_decide(actor=world["users"][who], request=request, approve=True)
    assert snapshot(appeal) == before


def test_refusal_needs_a_note_and_without_one_changes_nothing(flow):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.extension_decide(actor=flow.supervisor, request=request, approve=False, note=" ")
    assert list(refused.value.fields) == ["note"]
    assert snapshot(appeal) == before


def test_refusal_keeps_the_term_and_tells_the_executor(flow):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    before_due = appeal.due_at
    decided = services.extension_decide(
        actor=flow.supervisor, request=request, approve=False, note="Встигнете за графіком."
    )
    decided.refresh_from_db()
    assert (decided.state, decided.decision_note, decided.decided_by_id) == (
        ExtensionRequestState.REFUSED,
        "Встигнете за графіком.",
        flow.supervisor.pk,
    )
    assert reload(appeal).due_at == before_due
    assert lead(appeal).due_at == before_due
    event = AppealEvent.objects.filter(appeal=appeal).order_by("-id").first()
    assert (event.kind, event.actor_id, event.comment, event.data) == (
        EventKind.EXTENSION_REFUSED,
        flow.supervisor.pk,
        "Встигнете за графіком.",
        {
            "request": request.pk,
            "organization": "КП «Водоканал»",
            "to": decided.due_at.isoformat(),
        },
    )


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_a_decided_request_cannot_be_decided_again(flow, first, second):
    appeal = flow.in_work()
    request = ask(flow, appeal)
    services.extension_decide(actor=flow.supervisor, request=request, approve=first, note="Так.")
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        # The caller still holds the stale, pending object: the service reads it under lock.
        services.extension_decide(
            actor=flow.supervisor, request=request, approve=second, note="Ще раз."
        )
    assert (refused.value.code, refused.value.status) == ("extension_decided", 409)
    assert snapshot(appeal) == before


def test_approval_of_a_term_already_past_is_refused_and_changes_nothing(flow):
    appeal = flow.in_work()
    request = ask(flow, appeal, days=1)
    before = snapshot(appeal)
    with travel(request.due_at + timedelta(hours=1)), pytest.raises(ValidationFailed):
        services.extension_decide(actor=flow.supervisor, request=request, approve=True)
    assert snapshot(appeal) == before
    assert ExtensionRequest.objects.get(pk=request.pk).state == ExtensionRequestState.PENDING


def test_approval_for_an_organization_that_returned_the_appeal_is_refused(flow):
    appeal = flow.accepted()
    request = ask(flow, appeal)
    services.appeal_return(actor=flow.executor, appeal=appeal, reason="Не наша мережа.")
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        services.extension_decide(actor=flow.supervisor, request=request, approve=True)
    assert refused.value.code == "extension_stale"
    assert snapshot(appeal) == before
    # ... but it can still be refused, to close it.
    decided = services.extension_decide(
        actor=flow.supervisor, request=request, approve=False, note="Звернення повернуто."
    )
    assert decided.state == ExtensionRequestState.REFUSED
