"""Who may do what: every role (and no account at all) against every action.

Each action is tried on an appeal in a status where it is allowed, so the only reason
to refuse is the role; a refusal is Forbidden and changes nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory, applicant_data
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.appeals.choices import Channel, Kind, RejectionReason, Status
from vikno.appeals.models import Appeal
from vikno.core.errors import Forbidden, ValidationFailed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ROLES = ["operator", "executor", "supervisor", "analyst", "administrator", None]

# action → (status to start from, roles allowed)
FRONT = {"operator", "supervisor", "administrator"}
EXECUTION = {"executor", "supervisor", "administrator"}
HEADS = {"supervisor", "administrator"}
ACTIONS = {
    "register": (None, FRONT),
    "preprocess": (Status.REGISTERED, FRONT),
    "answer_on_spot": (Status.REGISTERED, FRONT),
    "forward": (Status.PREPROCESSED, FRONT),
    "forward_out": (Status.PREPROCESSED, FRONT),
    "reject": (Status.PREPROCESSED, FRONT),
    "merge": (Status.PREPROCESSED, FRONT),
    "accept": (Status.FORWARDED, EXECUTION),
    "return": (Status.FORWARDED, EXECUTION),
    "start_work": (Status.ACCEPTED, EXECUTION),
    "report_execution": (Status.IN_WORK, EXECUTION),
    "verify": (Status.EXECUTED, FRONT),
    "extend": (Status.IN_WORK, HEADS),
    "reopen": (Status.CLOSED, HEADS),
    "attach": (Status.FORWARDED, FRONT | EXECUTION),
}


def _call(action, actor, appeal, flow):
    world = flow.world
    if action == "register":
        return services.appeal_register(
            actor=actor,
            kind=Kind.COMPLAINT,
            channel=Channel.PHONE,
            category=world["no_water"],
            text="Немає холодної води другий день.",
            applicant=applicant_data(),
        )
    calls = {
        "preprocess": lambda: services.appeal_preprocess(actor=actor, appeal=appeal),
        "answer_on_spot": lambda: services.appeal_answer_on_spot(
            actor=actor, appeal=appeal, answer="Роз'яснено."
        ),
        "forward": lambda: services.appeal_forward(actor=actor, appeal=appeal),
        "forward_out": lambda: services.appeal_forward_out(
            actor=actor, appeal=appeal, organization=world["outside"]
        ),
        "reject": lambda: services.appeal_reject(
            actor=actor, appeal=appeal, reason=RejectionReason.NO_COMPETENCE
        ),
        "merge": lambda: services.appeal_merge(actor=actor, appeal=appeal, parent=flow.parent),
        "accept": lambda: services.appeal_accept(actor=actor, appeal=appeal),
        "return": lambda: services.appeal_return(actor=actor, appeal=appeal, reason="Не наше"),
        "start_work": lambda: services.appeal_start_work(actor=actor, appeal=appeal),
        "report_execution": lambda: services.appeal_report_execution(
            actor=actor, appeal=appeal, report="Зроблено."
        ),
        "verify": lambda: services.appeal_verify(actor=actor, appeal=appeal, confirmed=True),
        "extend": lambda: services.appeal_extend(
            actor=actor, appeal=appeal, due=appeal.due_at + timedelta(days=1), reason="Експертиза"
        ),
        "reopen": lambda: services.appeal_reopen(actor=actor, appeal=appeal, reason="Знову"),
        "attach": lambda: services.appeal_attach(
            actor=actor, appeal=appeal, files=[SimpleUploadedFile("photo.png", PNG)]
        ),
    }
    return calls[action]()


@pytest.mark.parametrize("role", ROLES, ids=[str(r) for r in ROLES])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(flow, world, snapshot, action, role):
    source, allowed_roles = ACTIONS[action]
    appeal = flow.at(source) if source else flow.registered()
    if action == "merge":
        flow.parent = flow.registered()
    actor = world["users"][role] if role else None  # "executor" works for КП «Водоканал»
    before = snapshot(appeal)
    if role in allowed_roles:
        _call(action, actor, appeal, flow)
        after = snapshot(appeal)
        if action == "register":
            assert after["appeals_total"] == before["appeals_total"] + 1
        else:
            assert len(after["events"]) == len(before["events"]) + 1
            assert after["events"][-1]["actor_id"] == actor.pk
    else:
        with pytest.raises(Forbidden) as exc:
            _call(action, actor, appeal, flow)
        if action == "register" and role is None:
            assert (exc.value.status, exc.value.code) == (401, "unauthorized")
        else:
            assert (exc.value.status, exc.value.code) == (403, "forbidden")
        assert snapshot(appeal) == before


def test_the_public_registers_through_the_web_without_an_account(world):
    appeal = services.appeal_register(
        actor=None,
        kind=Kind.SERVICE_REQUEST,
        channel=Channel.WEB,
        category=world["no_water"],
        text="Немає холодної води в під'їзді.",
        address="вул. Соборна, 5",
        applicant=applicant_data(),
    )
    assert appeal.status == Status.REGISTERED
    assert appeal.created_by is None
    event = appeal.events.get()
    assert (event.actor, event.kind) == (None, "registered")
    assert event.actor_label != ""


def test_public_registration_needs_consent(world):
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_register(
            actor=None,
            kind=Kind.SERVICE_REQUEST,
            channel=Channel.WEB,
            category=world["no_water"],
            text="Немає холодної води в під'їзді.",
            applicant=applicant_data(consent=False),
        )
    assert exc.value.code == "validation_error"
    assert list(exc.value.fields) == ["applicant.consent"]
    assert Appeal.objects.count() == 0


def test_accounts_without_a_role_are_refused(flow, world, snapshot):
    appeal = flow.registered()
    before = snapshot(appeal)
    nobody = UserFactory(username="no-role", role="")
    with pytest.raises(Forbidden):
        services.appeal_preprocess(actor=nobody, appeal=appeal)
    assert snapshot(appeal) == before


def test_superuser_counts_as_administrator(flow, snapshot):
    root = UserFactory(username="root", role="", is_superuser=True)
    appeal = flow.closed()
    services.appeal_reopen(actor=root, appeal=appeal, reason="Перевірка")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.IN_WORK


@pytest.mark.parametrize("who", ["other-executor", "unbound-executor"])
def test_executor_attaches_only_to_appeals_of_its_organization(flow, world, snapshot, who):
    appeal = flow.forwarded()
    actor = (
        world["users"]["roads_executor"]
        if who == "other-executor"
        else UserFactory(username="lonely", role=Role.EXECUTOR)
    )
    before = snapshot(appeal)
    with pytest.raises(Forbidden):
        services.appeal_attach(
            actor=actor, appeal=appeal, files=[SimpleUploadedFile("photo.png", PNG)]
        )
    assert snapshot(appeal) == before
