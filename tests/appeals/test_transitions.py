"""Every step of the lifecycle: the allowed case with its exact result, and refusals that
change nothing (wrong source status, wrong organization, no route)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.appeals.conftest import STATUS_STEPS, reload
from tests.factories import CategoryFactory, OrganizationFactory, TerritoryFactory, UserFactory
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.choices import (
    AssignmentRole,
    AssignmentState,
    EventKind,
    Outcome,
    RejectionReason,
    Status,
)
from vikno.appeals.models import Appeal, AppealEvent, Assignment
from vikno.core.clock import travel
from vikno.core.errors import Forbidden, InvalidTransition, ValidationFailed
from vikno.reference.models import RoutingRule, TerritoryKind
from vikno.reference.selectors import route_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 11:00 in Kyiv, winter time
# "Відсутність холодної води" has the 15-day term: the end of 17 March, Kyiv time (UTC+2).
T0_DUE = datetime(2026, 3, 17, 21, 59, 59, tzinfo=UTC)


def last_event(appeal: Appeal) -> AppealEvent:
    return AppealEvent.objects.filter(appeal=appeal).order_by("-id").first()


def event_tuple(event: AppealEvent) -> tuple:
    return (event.kind, event.from_status, event.to_status, event.actor_id)


def assignments(appeal: Appeal) -> list[tuple]:
    return list(
        Assignment.objects.filter(appeal=appeal)
        .order_by("id")
        .values_list("organization__code", "role", "state")
    )


# --- the allowed case of each transition --------------------------------------------


def test_register_gives_number_term_and_first_event(flow):
    with travel(T0):
        appeal = flow.registered()
    appeal.refresh_from_db()
    assert appeal.number == "2026-0000001"
    assert appeal.status == Status.REGISTERED
    assert appeal.outcome == ""
    assert appeal.received_at == T0
    assert appeal.due_at == T0_DUE
    assert appeal.executor is None
    assert assignments(appeal) == []
    assert [event_tuple(e) for e in appeal.events.all()] == [
        (EventKind.REGISTERED, "", Status.REGISTERED, flow.operator.pk)
    ]
    assert datetime.fromisoformat(appeal.events.get().data["due_at"]) == T0_DUE


def test_preprocess_moves_registered_to_preprocessed(flow):
    appeal = flow.registered()
    result = services.appeal_preprocess(actor=flow.operator, appeal=appeal)
    assert result.status == Status.PREPROCESSED
    assert reload(appeal).status == Status.PREPROCESSED
    assert event_tuple(last_event(appeal)) == (
        EventKind.PREPROCESSED,
        Status.REGISTERED,
        Status.PREPROCESSED,
        flow.operator.pk,
    )
    assert appeal.events.count() == 2
    assert assignments(appeal) == []


def test_answer_on_spot_closes_as_consulted(flow):
    appeal = flow.registered()
    with travel(T0 + timedelta(hours=1)):
        services.appeal_answer_on_spot(actor=flow.operator, appeal=appeal, answer="  Роз'яснено.  ")
    appeal = reload(appeal)
    assert appeal.status == Status.CLOSED
    assert appeal.outcome == Outcome.CONSULTED
    assert appeal.answer == "Роз'яснено."
    assert appeal.answered_at == T0 + timedelta(hours=1)
    assert appeal.closed_at == T0 + timedelta(hours=1)
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.ANSWERED_ON_SPOT,
        Status.REGISTERED,
        Status.CLOSED,
        flow.operator.pk,
    )
    assert event.comment == "Роз'яснено."


def test_answer_on_spot_needs_an_answer(flow, snapshot):
    appeal = flow.registered()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_answer_on_spot(actor=flow.operator, appeal=appeal, answer="   ")
    assert list(exc.value.fields) == ["answer"]
    assert snapshot(appeal) == before


def test_forward_by_routing_rule_creates_pending_lead(flow, world):
    with travel(T0):
        appeal = flow.preprocessed()
        services.appeal_forward(actor=flow.operator, appeal=appeal, instruction=" Терміново ")
    appeal = reload(appeal)
    assert appeal.status == Status.FORWARDED
    assert appeal.executor == world["water"]
    lead = appeal.assignments.get()
    assert (lead.organization, lead.role, lead.state) == (
        world["water"],
        AssignmentRole.LEAD,
        AssignmentState.PENDING,
    )
    assert lead.due_at == T0_DUE
    assert lead.instruction == "Терміново"
    assert lead.created_at == T0
    assert lead.official is None
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.FORWARDED,
        Status.PREPROCESSED,
        Status.FORWARDED,
        flow.operator.pk,
    )
    assert event.data == {"organization": "КП «Водоканал»", "co_executors": []}


def test_forward_with_co_executor_and_own_due(flow, world):
    with travel(T0):
        appeal = flow.preprocessed()
        services.appeal_forward(
            actor=flow.operator,
            appeal=appeal,
            organization=world["water"],
            co_executors=[world["roads"], world["roads"]],
            due=T0 + timedelta(days=5),
        )
    assert assignments(appeal) == [
        ("vodokanal", AssignmentRole.LEAD, AssignmentState.PENDING),
        ("roads", AssignmentRole.CO, AssignmentState.PENDING),
    ]
    assert set(appeal.assignments.values_list("due_at", flat=True)) == {T0 + timedelta(days=5)}
    assert last_event(appeal).data == {
        "organization": "КП «Водоканал»",
        "co_executors": ["КП «Шляхи»"],
    }


@pytest.mark.parametrize(
    ("due_shift", "field"),
    [(timedelta(hours=-1), "due_at"), (timedelta(days=30), "due_at")],
    ids=["in-the-past", "after-the-appeal-due"],
)
def test_forward_refuses_an_executor_due_outside_the_term(flow, world, snapshot, due_shift, field):
    with travel(T0):
        appeal = flow.preprocessed()
        before = snapshot(appeal)
        with pytest.raises(ValidationFailed) as exc:
            services.appeal_forward(
                actor=flow.operator, appeal=appeal, organization=world["water"], due=T0 + due_shift
            )
    assert list(exc.value.fields) == [field]
    assert snapshot(appeal) == before


def test_forward_refuses_executor_also_co_executor(flow, world, snapshot):
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward(
            actor=flow.operator,
            appeal=appeal,
            organization=world["water"],
            co_executors=[world["water"]],
        )
    assert list(exc.value.fields) == ["co_executors"]
    assert snapshot(appeal) == before


@pytest.mark.parametrize("field", ["organization", "co_executors"])
def test_forward_refuses_outside_or_inactive_body_as_executor(flow, world, snapshot, field):
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    kwargs = (
        {"organization": world["outside"]}
        if field == "organization"
        else {"organization": world["water"], "co_executors": [world["outside"]]}
    )
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward(actor=flow.operator, appeal=appeal, **kwargs)
    assert list(exc.value.fields) == [field]
    assert snapshot(appeal) == before

    closed_down = OrganizationFactory(code="old-ku", is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward(actor=flow.operator, appeal=appeal, organization=closed_down)
    assert list(exc.value.fields) == ["organization"]
    assert snapshot(appeal) == before


def test_accept_by_lead_executor(flow, world):
    appeal = flow.forwarded()
    with travel(T0 + timedelta(days=1)):
        assignment = services.appeal_accept(actor=flow.executor, appeal=appeal)
    assignment.refresh_from_db()
    assert (assignment.organization, assignment.role, assignment.state) == (
        world["water"],
        AssignmentRole.LEAD,
        AssignmentState.ACCEPTED,
    )
    assert assignment.official == flow.executor
    assert assignment.accepted_at == T0 + timedelta(days=1)
    appeal = reload(appeal)
    assert appeal.status == Status.ACCEPTED
    assert appeal.executor == world["water"]
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.ACCEPTED,
        Status.FORWARDED,
        Status.ACCEPTED,
        flow.executor.pk,
    )
    assert event.data == {"organization": "КП «Водоканал»", "role": AssignmentRole.LEAD}


def test_accept_through_a_service_account_names_no_official(flow, world):
    appeal = flow.forwarded()
    robot = UserFactory(
        username="api-water",
        role=Role.EXECUTOR,
        organization=world["water"],
        is_service_account=True,
    )
    assignment = services.appeal_accept(actor=robot, appeal=appeal)
    assert assignment.official is None
    assert reload(appeal).status == Status.ACCEPTED


@pytest.mark.parametrize("source", [Status.FORWARDED, Status.ACCEPTED])
def test_return_as_not_our_competence(flow, source):
    appeal = flow.at(source)
    assignment = services.appeal_return(
        actor=flow.executor, appeal=appeal, reason="  Не наш балансоутримувач.  "
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.RETURNED
    assert assignment.return_reason == "Не наш балансоутримувач."
    appeal = reload(appeal)
    assert appeal.status == Status.RETURNED
    assert appeal.executor is None
    event = last_event(appeal)
    assert event_tuple(event) == (EventKind.RETURNED, source, Status.RETURNED, flow.executor.pk)
    assert event.comment == "Не наш балансоутримувач."


def test_return_needs_a_reason(flow, snapshot):
    appeal = flow.forwarded()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_return(actor=flow.executor, appeal=appeal, reason=" ")
    assert list(exc.value.fields) == ["reason"]
    assert snapshot(appeal) == before


def test_returned_appeal_is_re_forwarded_to_another_organization(flow, world):
    appeal = flow.returned()
    services.appeal_forward(actor=flow.operator, appeal=appeal, organization=world["roads"])
    appeal = reload(appeal)
    assert appeal.status == Status.FORWARDED
    assert appeal.executor == world["roads"]
    assert assignments(appeal) == [
        ("vodokanal", AssignmentRole.LEAD, AssignmentState.RETURNED),
        ("roads", AssignmentRole.LEAD, AssignmentState.PENDING),
    ]
    assert event_tuple(last_event(appeal)) == (
        EventKind.FORWARDED,
        Status.RETURNED,
        Status.FORWARDED,
        flow.operator.pk,
    )
    # The new executor takes it; the one that returned it can no longer act on it.
    with pytest.raises(Forbidden):
        services.appeal_accept(actor=flow.executor, appeal=appeal)
    services.appeal_accept(actor=world["users"]["roads_executor"], appeal=appeal)
    assert reload(appeal).status == Status.ACCEPTED


def test_returned_appeal_is_not_routed_back_to_who_returned_it(flow, snapshot):
    appeal = flow.returned()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward(actor=flow.operator, appeal=appeal)
    assert exc.value.code == "no_route"
    assert list(exc.value.fields) == ["organization"]
    assert snapshot(appeal) == before


def test_start_work(flow):
    appeal = flow.accepted()
    assignment = services.appeal_start_work(actor=flow.executor, appeal=appeal)
    assignment.refresh_from_db()
    assert (assignment.role, assignment.state) == (AssignmentRole.LEAD, AssignmentState.IN_WORK)
    assert reload(appeal).status == Status.IN_WORK
    assert event_tuple(last_event(appeal)) == (
        EventKind.WORK_STARTED,
        Status.ACCEPTED,
        Status.IN_WORK,
        flow.executor.pk,
    )


@pytest.mark.parametrize("source", [Status.ACCEPTED, Status.IN_WORK])
def test_report_execution_makes_the_report_the_answer(flow, source):
    appeal = flow.at(source)
    moment = T0 + timedelta(days=3)
    with travel(moment):
        assignment = services.appeal_report_execution(
            actor=flow.executor, appeal=appeal, report=" Замінено засувку. "
        )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.EXECUTED
    assert assignment.report == "Замінено засувку."
    assert assignment.executed_at == moment
    appeal = reload(appeal)
    assert appeal.status == Status.EXECUTED
    assert appeal.answer == "Замінено засувку."
    assert appeal.answered_at == moment
    assert appeal.outcome == ""
    event = last_event(appeal)
    assert event_tuple(event) == (EventKind.EXECUTED, source, Status.EXECUTED, flow.executor.pk)
    assert event.data == {"organization": "КП «Водоканал»", "role": AssignmentRole.LEAD, "files": 0}


def test_report_needs_text(flow, snapshot):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_report_execution(actor=flow.executor, appeal=appeal, report="")
    assert list(exc.value.fields) == ["report"]
    assert snapshot(appeal) == before


def test_verify_confirmed_closes_as_resolved(flow):
    appeal = flow.executed()
    moment = T0 + timedelta(days=4)
    with travel(moment):
        services.appeal_verify(actor=flow.operator, appeal=appeal, confirmed=True)
    appeal = reload(appeal)
    assert appeal.status == Status.CLOSED
    assert appeal.outcome == Outcome.RESOLVED
    assert appeal.closed_at == moment
    assert assignments(appeal) == [("vodokanal", AssignmentRole.LEAD, AssignmentState.EXECUTED)]
    assert event_tuple(last_event(appeal)) == (
        EventKind.CONFIRMED,
        Status.EXECUTED,
        Status.CLOSED,
        flow.operator.pk,
    )


def test_verify_not_confirmed_sends_back_to_work(flow):
    appeal = flow.executed()
    services.appeal_verify(
        actor=flow.operator, appeal=appeal, confirmed=False, note="Вода так і не з'явилась."
    )
    appeal = reload(appeal)
    assert appeal.status == Status.IN_WORK
    assert appeal.outcome == ""
    assert appeal.closed_at is None
    assert assignments(appeal) == [("vodokanal", AssignmentRole.LEAD, AssignmentState.IN_WORK)]
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.NOT_CONFIRMED,
        Status.EXECUTED,
        Status.IN_WORK,
        flow.operator.pk,
    )
    assert event.comment == "Вода так і не з'явилась."
    # ... and the executor can report again.
    services.appeal_report_execution(actor=flow.executor, appeal=appeal, report="Тепер є.")
    assert reload(appeal).status == Status.EXECUTED


def test_verify_not_confirmed_needs_a_note(flow, snapshot):
    appeal = flow.executed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_verify(actor=flow.operator, appeal=appeal, confirmed=False)
    assert list(exc.value.fields) == ["note"]
    assert snapshot(appeal) == before


def test_extend_moves_due_of_appeal_and_matching_assignments(flow, world):
    supervisor = flow.supervisor
    with travel(T0):
        appeal = flow.forwarded(co_executors=[world["roads"]])
    new_due = T0_DUE + timedelta(days=10)
    with travel(T0 + timedelta(days=1)):
        services.appeal_extend(
            actor=supervisor, appeal=appeal, due=new_due, reason="Потрібна експертиза"
        )
    appeal = reload(appeal)
    assert appeal.due_at == new_due
    assert appeal.status == Status.FORWARDED
    assert set(appeal.assignments.values_list("due_at", flat=True)) == {new_due}
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.EXTENDED,
        Status.FORWARDED,
        Status.FORWARDED,
        supervisor.pk,
    )
    assert event.comment == "Потрібна експертиза"
    assert {k: datetime.fromisoformat(v) for k, v in event.data.items()} == {
        "from": T0_DUE,
        "to": new_due,
    }


def test_extend_up_to_the_45_day_cap_and_not_a_second_more(flow, snapshot):
    with travel(T0):
        appeal = flow.preprocessed()
    cap = datetime(
        2026, 4, 16, 20, 59, 59, tzinfo=UTC
    )  # 2 March + 45 days, end of day, summer time
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_extend(
            actor=flow.supervisor, appeal=appeal, due=cap + timedelta(seconds=1), reason="Довго"
        )
    assert exc.value.code == "term_exceeds_limit"
    assert list(exc.value.fields) == ["due_at"]
    assert snapshot(appeal) == before

    with travel(T0 + timedelta(days=1)):
        services.appeal_extend(actor=flow.supervisor, appeal=appeal, due=cap, reason="Довго")
    assert reload(appeal).due_at == cap


def test_extend_refuses_a_term_already_past(flow, snapshot):
    with travel(T0):
        appeal = flow.preprocessed()
    before = snapshot(appeal)
    with travel(T0_DUE + timedelta(days=3)), pytest.raises(ValidationFailed) as exc:
        services.appeal_extend(
            actor=flow.supervisor, appeal=appeal, due=T0_DUE + timedelta(days=2), reason="Пізно"
        )
    assert list(exc.value.fields) == ["due_at"]
    assert snapshot(appeal) == before


@pytest.mark.parametrize("shift", [timedelta(0), timedelta(days=-1)], ids=["same", "earlier"])
def test_extend_refuses_a_term_not_later_than_the_current(flow, snapshot, shift):
    with travel(T0):
        appeal = flow.preprocessed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_extend(actor=flow.supervisor, appeal=appeal, due=T0_DUE + shift, reason="x")
    assert exc.value.code == "validation_error"
    assert list(exc.value.fields) == ["due_at"]
    assert snapshot(appeal) == before


def test_extend_needs_a_reason(flow, snapshot):
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_extend(
            actor=flow.supervisor, appeal=appeal, due=appeal.due_at + timedelta(days=1), reason=""
        )
    assert list(exc.value.fields) == ["reason"]
    assert snapshot(appeal) == before


@pytest.mark.parametrize("source", [Status.REGISTERED, Status.PREPROCESSED, Status.RETURNED])
def test_reject_with_a_legal_reason(flow, world, source):
    appeal = (
        flow.at(source)
        if source != Status.RETURNED
        else flow.returned(co_executors=[world["roads"]])
    )
    moment = T0 + timedelta(days=2)
    with travel(moment):
        services.appeal_reject(
            actor=flow.operator,
            appeal=appeal,
            reason=RejectionReason.NO_COMPETENCE,
            comment=" Питання до суду ",
        )
    appeal = reload(appeal)
    assert appeal.status == Status.REJECTED
    assert appeal.outcome == Outcome.REJECTED
    assert appeal.rejection_reason == RejectionReason.NO_COMPETENCE
    assert appeal.closed_at == moment
    assert not appeal.assignments.filter(state__in=["pending", "accepted", "in_work"]).exists()
    event = last_event(appeal)
    assert event_tuple(event) == (EventKind.REJECTED, source, Status.REJECTED, flow.operator.pk)
    assert event.comment == "Питання до суду"
    assert event.data == {"reason": RejectionReason.NO_COMPETENCE}


def test_reject_refusals(flow, snapshot):
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    for kwargs, field in [
        ({"reason": "because"}, "reason"),
        ({"reason": RejectionReason.INCOMPLETE}, "comment"),
        ({"reason": RejectionReason.REPEATED}, "repeated_of"),
        ({"reason": RejectionReason.REPEATED, "repeated_of": appeal}, "repeated_of"),
        ({"reason": RejectionReason.ANONYMOUS}, "reason"),  # the author is known
    ]:
        with pytest.raises(ValidationFailed) as exc:
            services.appeal_reject(actor=flow.operator, appeal=appeal, **kwargs)
        assert list(exc.value.fields) == [field], kwargs
        assert snapshot(appeal) == before


def test_merge_into_an_open_parent(flow):
    parent = flow.forwarded()
    appeal = flow.preprocessed()
    with travel(T0 + timedelta(days=1)):
        services.appeal_merge(actor=flow.operator, appeal=appeal, parent=parent)
    appeal = reload(appeal)
    assert appeal.status == Status.MERGED
    assert appeal.outcome == Outcome.MERGED
    assert appeal.parent == parent
    assert appeal.closed_at == T0 + timedelta(days=1)
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.MERGED,
        Status.PREPROCESSED,
        Status.MERGED,
        flow.operator.pk,
    )
    assert event.data == {"parent": parent.number}
    assert reload(parent).status == Status.FORWARDED
    assert list(parent.duplicates.all()) == [appeal]


@pytest.mark.parametrize("parent_status", ["self", Status.MERGED, Status.CLOSED, Status.REJECTED])
def test_merge_refusals(flow, snapshot, parent_status):
    appeal = flow.registered()
    parent = appeal if parent_status == "self" else flow.at(parent_status)
    before, parent_before = snapshot(appeal), snapshot(parent)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_merge(actor=flow.operator, appeal=appeal, parent=parent)
    assert list(exc.value.fields) == ["parent"]
    assert snapshot(appeal) == before
    assert snapshot(parent) == parent_before


def test_reopen_closed_appeal_returns_it_to_the_lead_executor(flow, world):
    with travel(T0):
        appeal = flow.closed()
    moment = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    with travel(moment):
        services.appeal_reopen(actor=flow.supervisor, appeal=appeal, reason="Знову немає води")
    appeal = reload(appeal)
    assert appeal.status == Status.IN_WORK
    assert appeal.outcome == ""
    assert appeal.closed_at is None
    assert appeal.executor == world["water"]
    # A fresh 15-day term from the re-opening: the end of 4 April, summer time (UTC+3).
    assert appeal.due_at == datetime(2026, 4, 4, 20, 59, 59, tzinfo=UTC)
    assert assignments(appeal) == [("vodokanal", AssignmentRole.LEAD, AssignmentState.IN_WORK)]
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.REOPENED,
        Status.CLOSED,
        Status.IN_WORK,
        flow.supervisor.pk,
    )
    assert event.comment == "Знову немає води"
    assert datetime.fromisoformat(event.data["due_at"]) == appeal.due_at
    services.appeal_report_execution(actor=flow.executor, appeal=appeal, report="Відновлено.")
    assert reload(appeal).status == Status.EXECUTED


@pytest.mark.parametrize("source", [Status.REJECTED, "consulted"])
def test_reopen_without_executed_lead_goes_to_preprocessed(flow, source):
    appeal = flow.rejected() if source == Status.REJECTED else flow.consulted()
    previous = appeal.status
    services.appeal_reopen(actor=flow.supervisor, appeal=appeal, reason="Помилково")
    appeal = reload(appeal)
    assert appeal.status == Status.PREPROCESSED
    assert (appeal.outcome, appeal.rejection_reason, appeal.closed_at) == ("", "", None)
    assert event_tuple(last_event(appeal)) == (
        EventKind.REOPENED,
        previous,
        Status.PREPROCESSED,
        flow.supervisor.pk,
    )
    # ... and it can be forwarded anew.
    services.appeal_forward(actor=flow.operator, appeal=appeal)
    assert reload(appeal).status == Status.FORWARDED


def test_reopen_needs_a_reason(flow, snapshot):
    appeal = flow.closed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_reopen(actor=flow.supervisor, appeal=appeal, reason="")
    assert list(exc.value.fields) == ["reason"]
    assert snapshot(appeal) == before


@pytest.mark.parametrize(
    ("sent_after", "late"),
    [(timedelta(days=5), False), (timedelta(days=6), True)],
    ids=["on-day-5", "on-day-6"],
)
def test_forward_out_records_where_when_and_lateness(flow, world, sent_after, late):
    with travel(T0):
        appeal = flow.preprocessed()
    moment = T0 + sent_after
    with travel(moment):
        services.appeal_forward_out(
            actor=flow.operator, appeal=appeal, organization=world["outside"], note=" До 1545 "
        )
    appeal = reload(appeal)
    assert appeal.status == Status.FORWARDED_OUT
    assert appeal.outcome == Outcome.FORWARDED_OUT
    assert appeal.executor == world["outside"]
    assert appeal.closed_at == moment
    assert assignments(appeal) == [("gov-cc", AssignmentRole.LEAD, AssignmentState.TRANSFERRED)]
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.FORWARDED_OUT,
        Status.PREPROCESSED,
        Status.FORWARDED_OUT,
        flow.operator.pk,
    )
    assert event.comment == "До 1545"
    data = dict(event.data)
    assert datetime.fromisoformat(data.pop("sent_at")) == moment
    # Art. 7: five days from receipt, to the end of 7 March, Kyiv time.
    assert datetime.fromisoformat(data.pop("limit")) == datetime(2026, 3, 7, 21, 59, 59, tzinfo=UTC)
    assert data == {"organization": "Урядовий контактний центр", "late": late}


def test_forward_out_of_a_returned_appeal_cancels_active_co_executors(flow, world):
    appeal = flow.returned(co_executors=[world["roads"]])
    services.appeal_forward_out(actor=flow.operator, appeal=appeal, organization=world["outside"])
    assert assignments(appeal) == [
        ("vodokanal", AssignmentRole.LEAD, AssignmentState.RETURNED),
        ("roads", AssignmentRole.CO, AssignmentState.CANCELLED),
        ("gov-cc", AssignmentRole.LEAD, AssignmentState.TRANSFERRED),
    ]


def test_forward_out_refuses_an_internal_organization(flow, world, snapshot):
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward_out(actor=flow.operator, appeal=appeal, organization=world["water"])
    assert list(exc.value.fields) == ["organization"]
    assert snapshot(appeal) == before


def test_forward_without_route_or_default_executor_is_refused(flow, world, snapshot):
    orphan = CategoryFactory(code="orphan", name="Інше", parent=world["housing"])
    appeal = flow.preprocessed(category=orphan)
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_forward(actor=flow.operator, appeal=appeal)
    assert exc.value.code == "no_route"
    assert exc.value.status == 422
    assert list(exc.value.fields) == ["organization"]
    assert snapshot(appeal) == before
    assert reload(appeal).status == Status.PREPROCESSED


def test_forward_uses_the_category_default_executor_without_a_rule(flow, world):
    appeal = flow.preprocessed(category=world["pothole"])
    services.appeal_forward(actor=flow.operator, appeal=appeal)
    assert reload(appeal).executor == world["roads"]


# --- routing: the most specific rule wins -----------------------------------------------


@pytest.fixture
def routing(world):
    """no-cold-water ⊂ water ⊂ housing; street ⊂ district ⊂ hromada; a body for each rule."""
    hromada = TerritoryFactory(code="hromada", kind=TerritoryKind.HROMADA)
    district = world["district"]
    district.parent = hromada
    district.save()
    street = TerritoryFactory(code="soborna", kind=TerritoryKind.STREET, parent=district)
    other = TerritoryFactory(code="other-district")
    orgs = {code: OrganizationFactory(code=code) for code in ("a", "b", "c", "d", "e")}
    no_water, water, housing = world["no_water"], world["no_water"].parent, world["housing"]
    RoutingRule.objects.create(category=no_water, territory=district, organization=orgs["a"])
    RoutingRule.objects.create(category=no_water, territory=hromada, organization=orgs["b"])
    RoutingRule.objects.create(category=no_water, territory=None, organization=orgs["c"])
    RoutingRule.objects.create(category=water, territory=street, organization=orgs["d"])
    RoutingRule.objects.create(category=housing, territory=None, organization=orgs["e"])
    # (water, anywhere) → vodokanal comes from the world fixture.
    return {"hromada": hromada, "district": district, "street": street, "other": other, **orgs}


@pytest.mark.parametrize(
    ("category", "territory", "expected"),
    [
        ("no_water", "district", "a"),  # exact category × exact territory
        ("no_water", "street", "a"),  # nearest territory with a rule for the category
        ("no_water", "hromada", "b"),
        ("no_water", "other", "c"),  # the category's rule for anywhere
        ("no_water", None, "c"),
        ("water", "street", "d"),
        ("water", "district", "vodokanal"),
        ("housing", "district", "e"),
    ],
)
def test_route_for_picks_the_most_specific_rule(world, routing, category, territory, expected):
    categories = {
        "no_water": world["no_water"],
        "water": world["no_water"].parent,
        "housing": world["housing"],
    }
    org = route_for(category=categories[category], territory=routing.get(territory))
    assert org.code == expected


def test_route_skips_rules_of_inactive_organizations(world, routing):
    routing["a"].is_active = False
    routing["a"].save()
    assert route_for(category=world["no_water"], territory=routing["district"]).code == "b"


def test_forward_follows_the_most_specific_rule(flow, world, routing):
    appeal = flow.preprocessed(territory=routing["street"])
    services.appeal_forward(actor=flow.operator, appeal=appeal)
    assert reload(appeal).executor == routing["a"]


# --- wrong source status: InvalidTransition, nothing changed --------------------------


def _parent_for_merge(flow):
    return flow.registered()


TRANSITIONS = {
    "preprocess": (
        {Status.REGISTERED},
        lambda flow, a: lambda: services.appeal_preprocess(actor=flow.operator, appeal=a),
    ),
    "answer_on_spot": (
        {Status.REGISTERED, Status.PREPROCESSED},
        lambda flow, a: (
            lambda: services.appeal_answer_on_spot(
                actor=flow.operator, appeal=a, answer="Відповідь"
            )
        ),
    ),
    "forward": (
        {Status.PREPROCESSED, Status.RETURNED},
        lambda flow, a: (
            lambda: services.appeal_forward(
                actor=flow.operator, appeal=a, organization=flow.world["roads"]
            )
        ),
    ),
    "forward_out": (
        {Status.REGISTERED, Status.PREPROCESSED, Status.RETURNED},
        lambda flow, a: (
            lambda: services.appeal_forward_out(
                actor=flow.operator, appeal=a, organization=flow.world["outside"]
            )
        ),
    ),
    "accept": (
        {Status.FORWARDED},
        lambda flow, a: lambda: services.appeal_accept(actor=flow.executor, appeal=a),
    ),
    "return": (
        {Status.FORWARDED, Status.ACCEPTED},
        lambda flow, a: (
            lambda: services.appeal_return(actor=flow.executor, appeal=a, reason="Не наше")
        ),
    ),
    "start_work": (
        {Status.ACCEPTED},
        lambda flow, a: lambda: services.appeal_start_work(actor=flow.executor, appeal=a),
    ),
    "report_execution": (
        {Status.ACCEPTED, Status.IN_WORK},
        lambda flow, a: (
            lambda: services.appeal_report_execution(
                actor=flow.executor, appeal=a, report="Зроблено"
            )
        ),
    ),
    "verify_confirmed": (
        {Status.EXECUTED},
        lambda flow, a: (
            lambda: services.appeal_verify(actor=flow.operator, appeal=a, confirmed=True)
        ),
    ),
    "verify_not_confirmed": (
        {Status.EXECUTED},
        lambda flow, a: (
            lambda: services.appeal_verify(
                actor=flow.operator, appeal=a, confirmed=False, note="Не зроблено"
            )
        ),
    ),
    "extend": (
        {
            Status.REGISTERED,
            Status.PREPROCESSED,
            Status.FORWARDED,
            Status.RETURNED,
            Status.ACCEPTED,
            Status.IN_WORK,
            Status.EXECUTED,
        },
        lambda flow, a: (
            lambda: services.appeal_extend(
                actor=flow.supervisor,
                appeal=a,
                due=a.due_at + timedelta(days=1),
                reason="Експертиза",
            )
        ),
    ),
    "reject": (
        {Status.REGISTERED, Status.PREPROCESSED, Status.RETURNED},
        lambda flow, a: (
            lambda: services.appeal_reject(
                actor=flow.operator, appeal=a, reason=RejectionReason.NO_COMPETENCE
            )
        ),
    ),
    "merge": (
        {Status.REGISTERED, Status.PREPROCESSED, Status.RETURNED},
        lambda flow, a: (
            lambda parent: (
                lambda: services.appeal_merge(actor=flow.operator, appeal=a, parent=parent)
            )
        )(_parent_for_merge(flow)),
    ),
    "reopen": (
        {Status.CLOSED, Status.REJECTED},
        lambda flow, a: (
            lambda: services.appeal_reopen(actor=flow.supervisor, appeal=a, reason="Знову")
        ),
    ),
}

TRANSITION_CASES = [
    pytest.param(name, status, status in allowed, id=f"{name}-from-{status}")
    for name, (allowed, _make) in TRANSITIONS.items()
    for status in STATUS_STEPS
]


@pytest.mark.parametrize(("name", "source", "allowed"), TRANSITION_CASES)
def test_transition_from_each_status(flow, snapshot, name, source, allowed):
    appeal = flow.at(source)
    call = TRANSITIONS[name][1](flow, appeal)
    before = snapshot(appeal)
    if allowed:
        call()
        after = snapshot(appeal)
        assert len(after["events"]) == len(before["events"]) + 1
        assert after["events"][-1]["from_status"] == source
    else:
        with pytest.raises(InvalidTransition) as exc:
            call()
        assert exc.value.status == 409
        assert exc.value.code == "invalid_transition"
        assert snapshot(appeal) == before


# --- executors act only for their own organization ------------------------------------


EXECUTOR_STEPS = {
    "accept": (Status.FORWARDED, lambda actor, a: services.appeal_accept(actor=actor, appeal=a)),
    "return": (
        Status.FORWARDED,
        lambda actor, a: services.appeal_return(actor=actor, appeal=a, reason="Не наше"),
    ),
    "start_work": (
        Status.ACCEPTED,
        lambda actor, a: services.appeal_start_work(actor=actor, appeal=a),
    ),
    "report_execution": (
        Status.IN_WORK,
        lambda actor, a: services.appeal_report_execution(actor=actor, appeal=a, report="Зроблено"),
    ),
}


@pytest.mark.parametrize("step", list(EXECUTOR_STEPS))
@pytest.mark.parametrize("who", ["other-executor", "unbound-executor", "other-supervisor"])
def test_executor_of_another_organization_is_refused(flow, world, snapshot, step, who):
    source, do = EXECUTOR_STEPS[step]
    appeal = flow.at(source)
    actor = {
        "other-executor": world["users"]["roads_executor"],
        "unbound-executor": UserFactory(username="lonely", role=Role.EXECUTOR),
        "other-supervisor": UserFactory(
            username="roads-head", role=Role.SUPERVISOR, organization=world["roads"]
        ),
    }[who]
    before = snapshot(appeal)
    with pytest.raises(Forbidden) as exc:
        do(actor, appeal)
    assert exc.value.status == 403
    assert snapshot(appeal) == before


@pytest.mark.parametrize("step", list(EXECUTOR_STEPS))
def test_executor_cannot_name_another_organization(flow, world, snapshot, step):
    source, _do = EXECUTOR_STEPS[step]
    appeal = flow.at(source, co_executors=[world["roads"]])
    roads_executor = world["users"]["roads_executor"]
    before = snapshot(appeal)
    fn = {
        "accept": services.appeal_accept,
        "return": services.appeal_return,
        "start_work": services.appeal_start_work,
        "report_execution": services.appeal_report_execution,
    }[step]
    extra = {"return": {"reason": "Не наше"}, "report_execution": {"report": "Зроблено"}}.get(
        step, {}
    )
    with pytest.raises(Forbidden):
        fn(actor=roads_executor, appeal=appeal, organization=world["water"], **extra)
    assert snapshot(appeal) == before


def test_supervisor_of_the_parent_body_acts_for_its_utilities(flow, world):
    head = UserFactory(username="city-head", role=Role.SUPERVISOR, organization=world["city"])
    appeal = flow.forwarded()
    assignment = services.appeal_accept(actor=head, appeal=appeal)
    assert assignment.organization == world["water"]
    assert reload(appeal).status == Status.ACCEPTED


# --- co-executors ---------------------------------------------------------------------


def test_co_executor_works_on_its_own_assignment_without_moving_the_appeal(flow, world):
    roads_executor = world["users"]["roads_executor"]
    appeal = flow.forwarded(co_executors=[world["roads"]])

    co = services.appeal_accept(actor=roads_executor, appeal=appeal)
    assert (co.organization, co.role, co.state) == (
        world["roads"],
        AssignmentRole.CO,
        AssignmentState.ACCEPTED,
    )
    assert co.official == roads_executor
    assert reload(appeal).status == Status.FORWARDED
    event = last_event(appeal)
    assert event_tuple(event) == (
        EventKind.ACCEPTED,
        Status.FORWARDED,
        Status.FORWARDED,
        roads_executor.pk,
    )
    assert event.data == {"organization": "КП «Шляхи»", "role": AssignmentRole.CO}

    services.appeal_start_work(actor=roads_executor, appeal=appeal)
    services.appeal_report_execution(
        actor=roads_executor, appeal=appeal, report="Розкопку засипано."
    )
    appeal = reload(appeal)
    assert appeal.status == Status.FORWARDED
    assert appeal.answer == ""
    assert assignments(appeal) == [
        ("vodokanal", AssignmentRole.LEAD, AssignmentState.PENDING),
        ("roads", AssignmentRole.CO, AssignmentState.EXECUTED),
    ]
    assert [e.to_status for e in appeal.events.filter(actor=roads_executor)] == [
        Status.FORWARDED
    ] * 3

    # The lead's steps still move the appeal.
    services.appeal_accept(actor=flow.executor, appeal=appeal)
    assert reload(appeal).status == Status.ACCEPTED


def test_co_executor_returns_only_its_own_part(flow, world):
    roads_executor = world["users"]["roads_executor"]
    appeal = flow.forwarded(co_executors=[world["roads"]])
    services.appeal_return(actor=roads_executor, appeal=appeal, reason="Не наше")
    appeal = reload(appeal)
    assert appeal.status == Status.FORWARDED
    assert appeal.executor == world["water"]
    assert assignments(appeal) == [
        ("vodokanal", AssignmentRole.LEAD, AssignmentState.PENDING),
        ("roads", AssignmentRole.CO, AssignmentState.RETURNED),
    ]
    assert event_tuple(last_event(appeal)) == (
        EventKind.RETURNED,
        Status.FORWARDED,
        Status.FORWARDED,
        roads_executor.pk,
    )


def test_administrator_acts_on_any_assignment(flow, world):
    admin = world["users"]["administrator"]
    appeal = flow.forwarded(co_executors=[world["roads"]])
    co = services.appeal_accept(actor=admin, appeal=appeal, organization=world["roads"])
    assert (co.role, co.state) == (AssignmentRole.CO, AssignmentState.ACCEPTED)
    assert reload(appeal).status == Status.FORWARDED
    lead = services.appeal_accept(actor=admin, appeal=appeal)
    assert (lead.role, lead.state) == (AssignmentRole.LEAD, AssignmentState.ACCEPTED)
    assert reload(appeal).status == Status.ACCEPTED
