"""Every step of an appeal that the applicant or staff must hear about writes its messages
to the outbox in the step's own transaction."""

from datetime import timedelta

import pytest

from tests.factories import UserFactory, applicant_data, register_appeal
from vikno.accounts.models import Role
from vikno.appeals import services
from vikno.core.clock import now
from vikno.notifications.models import Notification


def rows(**filters):
    return list(
        Notification.objects.filter(**filters)
        .order_by("key")
        .values_list("key", "channel", "address", "recipient_user__username")
    )


@pytest.fixture
def appeal(world):
    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["no_water"])
    return services.appeal_preprocess(actor=operator, appeal=appeal)


def test_registration_tells_the_applicant_by_email(appeal):
    assert rows(event="registered") == [
        (f"appeal:{appeal.pk}:registered:email:applicant", "email", "olena@example.org", None)
    ]


def test_an_applicant_without_email_gets_sms(world):
    appeal = register_appeal(
        actor=world["users"]["operator"],
        category=world["no_water"],
        applicant=applicant_data(email=""),
    )
    assert rows(event="registered") == [
        (f"appeal:{appeal.pk}:registered:sms:applicant", "sms", "+380671112233", None)
    ]


def test_an_anonymous_appeal_tells_nobody(world):
    register_appeal(
        actor=world["users"]["operator"],
        category=world["no_water"],
        applicant=applicant_data(name="", phone="", email=""),
    )
    assert Notification.objects.count() == 0


def test_forwarding_tells_the_applicant_and_the_executors(world, appeal):
    UserFactory(username="water_head", role=Role.SUPERVISOR, organization=world["water"])
    world["users"]["executor"].email = "exec@vodokanal.example"
    world["users"]["executor"].save()
    services.appeal_forward(actor=world["users"]["operator"], appeal=appeal)
    event = appeal.events.get(kind="forwarded")
    assignment = appeal.assignments.get()
    applicant_row = Notification.objects.get(event="forwarded")
    assert applicant_row.key == f"appeal:{appeal.pk}:forwarded:{event.pk}:email:applicant"
    assert "передано на розгляд: КП «Водоканал»." in applicant_row.body_text
    executor = world["users"]["executor"]
    head = world["users"]["supervisor"].__class__.objects.get(username="water_head")
    assert rows(event="assignment_new") == [
        (
            f"assignment:{assignment.pk}:new:email:user{executor.pk}",
            "email",
            "exec@vodokanal.example",
            "executor",
        ),
        (f"assignment:{assignment.pk}:new:in_app:user{executor.pk}", "in_app", "", "executor"),
        (f"assignment:{assignment.pk}:new:in_app:user{head.pk}", "in_app", "", "water_head"),
    ]


def test_return_tells_the_operators(world, appeal):
    services.appeal_forward(actor=world["users"]["operator"], appeal=appeal)
    assignment = services.appeal_return(
        actor=world["users"]["executor"], appeal=appeal, reason="Це мережа іншого району"
    )
    operator = world["users"]["operator"]
    assert rows(event="assignment_returned") == [
        (f"assignment:{assignment.pk}:returned:in_app:user{operator.pk}", "in_app", "", "operator")
    ]
    row = Notification.objects.get(event="assignment_returned")
    assert row.body_text == (
        f"КП «Водоканал» повертає звернення № {appeal.number} як не своє: "
        "Це мережа іншого району. Визначте іншого виконавця."
    )


def test_extension_request_tells_the_heads_and_extension_tells_the_applicant(world, appeal):
    head = UserFactory(username="city_head", role=Role.SUPERVISOR, organization=world["city"])
    services.appeal_forward(actor=world["users"]["operator"], appeal=appeal)
    services.appeal_accept(actor=world["users"]["executor"], appeal=appeal)
    due = appeal.due_at + timedelta(days=10)
    request = services.extension_request(
        actor=world["users"]["executor"], appeal=appeal, due=due, reason="Потрібна заміна труби"
    )
    assert rows(event="extension_requested") == [
        (f"extension_request:{request.pk}:in_app:user{head.pk}", "in_app", "", "city_head")
    ]
    services.extension_decide(actor=head, request=request, approve=True)
    row = Notification.objects.get(event="extended")
    assert row.channel == "email"
    assert "Причина: Потрібна заміна труби" in row.body_text


def test_forwarding_out_tells_the_applicant_to_whom(world, appeal):
    services.appeal_forward_out(
        actor=world["users"]["operator"], appeal=appeal, organization=world["outside"]
    )
    row = Notification.objects.get(event="forwarded_out")
    assert row.subject == f"Звернення № {appeal.number} надіслано за належністю"
    assert "за належністю: Урядовий контактний центр." in row.body_text


def test_closing_tells_the_applicant(world, appeal):
    services.appeal_forward(actor=world["users"]["operator"], appeal=appeal)
    services.appeal_accept(actor=world["users"]["executor"], appeal=appeal)
    services.appeal_report_execution(
        actor=world["users"]["executor"], appeal=appeal, report="Воду подано."
    )
    services.appeal_verify(actor=world["users"]["operator"], appeal=appeal, confirmed=True)
    row = Notification.objects.get(event="closed")
    assert row.address == "olena@example.org"
    assert "Відповідь: Воду подано." in row.body_text


def test_a_refused_step_writes_no_message(world, appeal):
    before = rows()
    with pytest.raises(services.ValidationFailed):
        services.appeal_extend(
            actor=world["users"]["supervisor"], appeal=appeal, due=now(), reason="x"
        )
    assert rows() == before
