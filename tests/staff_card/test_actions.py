"""Each action of the card goes through its service; a refusal shows its message and changes
nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import register_appeal
from tests.staff_card.conftest import png_bytes, url
from vikno.appeals import services
from vikno.appeals.models import Appeal, AppealNote, Assignment
from vikno.core.clock import now

pytestmark = pytest.mark.django_db


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def snapshot(appeal):
    return (
        Appeal.objects.filter(pk=appeal.pk).values().get(),
        list(Assignment.objects.filter(appeal=appeal).order_by("pk").values()),
        appeal.events.count(),
        AppealNote.objects.filter(appeal=appeal).count(),
        appeal.attachments.count(),
    )


def post(client, appeal, action, data=None, **extra):
    fields = {f"{action}-{key}": value for key, value in (data or {}).items()}
    return client.post(url(appeal, f"do/{action}/"), fields, **extra)


def assert_done(response, appeal):
    assert response.status_code == 302
    assert response["Location"] == url(appeal)


def test_preprocess_with_corrections(client, card_world, registered):
    client.force_login(card_world["users"]["operator"])
    response = post(client, registered, "preprocess", {"address": "вул. Соборна, 12"})
    assert_done(response, registered)
    registered.refresh_from_db()
    assert (registered.status, registered.address) == ("preprocessed", "вул. Соборна, 12")


def test_answer_on_spot(client, card_world, registered):
    client.force_login(card_world["users"]["operator"])
    assert_done(
        post(client, registered, "answer_on_spot", {"answer": "Графік — на сайті."}), registered
    )
    registered.refresh_from_db()
    assert (registered.status, registered.outcome, registered.answer) == (
        "closed",
        "consulted",
        "Графік — на сайті.",
    )


def test_forward_by_the_routing_rules(client, card_world, preprocessed):
    client.force_login(card_world["users"]["operator"])
    assert_done(post(client, preprocessed, "forward", {"instruction": "Терміново"}), preprocessed)
    preprocessed.refresh_from_db()
    assert (preprocessed.status, preprocessed.executor) == ("forwarded", card_world["water"])


def test_forward_with_co_executor_and_due(client, card_world, preprocessed):
    client.force_login(card_world["users"]["operator"])
    due = now() + timedelta(days=3)
    response = post(
        client,
        preprocessed,
        "forward",
        {
            "organization": card_world["roads"].pk,
            "co_executors": [card_world["water"].pk],
            "due": local_input(due),
        },
    )
    assert_done(response, preprocessed)
    rows = list(preprocessed.assignments.order_by("pk").values_list("organization__code", "role"))
    assert rows == [("roads", "lead"), ("vodokanal", "co")]


def test_forward_out(client, card_world, preprocessed):
    client.force_login(card_world["users"]["operator"])
    response = post(client, preprocessed, "forward_out", {"organization": card_world["outside"].pk})
    assert_done(response, preprocessed)
    preprocessed.refresh_from_db()
    assert preprocessed.status == "forwarded_out"


def test_accept_start_and_report_with_a_photo(client, card_world, forwarded):
    client.force_login(card_world["users"]["executor"])
    assert_done(post(client, forwarded, "accept"), forwarded)
    forwarded.refresh_from_db()
    assert forwarded.status == "accepted"
    assert_done(post(client, forwarded, "start_work"), forwarded)
    forwarded.refresh_from_db()
    assert forwarded.status == "in_work"
    assert_done(
        post(client, forwarded, "report_execution", {"report": "Трубу замінено."}), forwarded
    )
    forwarded.refresh_from_db()
    assert (forwarded.status, forwarded.answer) == ("executed", "Трубу замінено.")


def test_report_execution_stores_the_photo(client, card_world, in_work):
    client.force_login(card_world["users"]["executor"])
    photo = SimpleUploadedFile("звіт.png", png_bytes(), content_type="image/png")
    response = client.post(
        url(in_work, "do/report_execution/"),
        {"report_execution-report": "Трубу замінено.", "report_execution-files": [photo]},
    )
    assert_done(response, in_work)
    assert list(in_work.attachments.values_list("purpose", "content_type")) == [
        ("report", "image/png")
    ]


def test_return(client, card_world, forwarded):
    client.force_login(card_world["users"]["executor"])
    assert_done(post(client, forwarded, "return", {"reason": "Мережа не наша."}), forwarded)
    forwarded.refresh_from_db()
    assert forwarded.status == "returned"


@pytest.mark.parametrize(("confirmed", "status"), [("yes", "closed"), ("no", "in_work")])
def test_verify(client, card_world, executed, confirmed, status):
    client.force_login(card_world["users"]["operator"])
    response = post(
        client, executed, "verify", {"confirmed": confirmed, "note": "Вода є лише зранку"}
    )
    assert_done(response, executed)
    executed.refresh_from_db()
    assert executed.status == status


def test_extend(client, card_world, forwarded):
    client.force_login(card_world["users"]["supervisor"])
    due = forwarded.due_at + timedelta(days=10)
    response = post(
        client, forwarded, "extend", {"due": local_input(due), "reason": "Заміна труби"}
    )
    assert_done(response, forwarded)
    forwarded.refresh_from_db()
    assert forwarded.due_at == due.replace(second=0, microsecond=0)


def test_reject_with_a_legal_ground(client, card_world, preprocessed):
    client.force_login(card_world["users"]["operator"])
    response = post(
        client, preprocessed, "reject", {"reason": "incomplete", "comment": "Вкажіть адресу."}
    )
    assert_done(response, preprocessed)
    preprocessed.refresh_from_db()
    assert (preprocessed.status, preprocessed.rejection_reason) == ("rejected", "incomplete")


def test_merge_offers_candidates_and_merges(client, card_world, preprocessed):
    duplicate = register_appeal(
        actor=card_world["users"]["operator"], category=card_world["no_water"]
    )
    client.force_login(card_world["users"]["operator"])
    html = client.get(url(duplicate)).content.decode()
    assert f"'{preprocessed.number}'" in html  # offered as a candidate
    assert_done(post(client, duplicate, "merge", {"parent": preprocessed.number}), duplicate)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.parent_id) == ("merged", preprocessed.pk)


def test_reopen(client, card_world, registered):
    services.appeal_answer_on_spot(
        actor=card_world["users"]["operator"], appeal=registered, answer="Відповідь"
    )
    client.force_login(card_world["users"]["supervisor"])
    assert_done(post(client, registered, "reopen", {"reason": "Скарга заявниці"}), registered)
    registered.refresh_from_db()
    assert registered.status == "preprocessed"


def test_note(client, card_world, forwarded):
    executor = card_world["users"]["executor"]
    client.force_login(executor)
    assert_done(
        post(client, forwarded, "note", {"text": "Ключі від підвалу у двірника."}), forwarded
    )
    assert list(forwarded.notes.values_list("author_id", "text")) == [
        (executor.pk, "Ключі від підвалу у двірника.")
    ]
    event = forwarded.events.get(kind="note_added")
    assert event.comment == ""


def test_resolve(client, card_world, preprocessed):
    head = card_world["users"]["supervisor"]
    client.force_login(head)
    co_due = now() + timedelta(days=2)
    response = post(
        client,
        preprocessed,
        "resolve",
        {
            "lead": card_world["water"].pk,
            "instruction": "Відновити подачу води",
            "co1_organization": card_world["roads"].pk,
            "co1_due": local_input(co_due),
            "co1_instruction": "Відновити покриття після розкопки",
        },
    )
    assert_done(response, preprocessed)
    rows = list(
        preprocessed.assignments.order_by("pk").values_list(
            "organization__code", "role", "instruction", "assigned_by_id"
        )
    )
    assert rows == [
        ("vodokanal", "lead", "Відновити подачу води", head.pk),
        ("roads", "co", "Відновити покриття після розкопки", head.pk),
    ]
    assert preprocessed.assignments.get(role="co").due_at == co_due.replace(second=0, microsecond=0)
    assert preprocessed.events.filter(kind="resolution").count() == 1


def test_delegate(client, card_world, forwarded):
    head = card_world["users"]["water_head"]
    client.force_login(head)
    lead = forwarded.assignments.get(role="lead")
    response = post(
        client,
        forwarded,
        "delegate",
        {
            "assignment": lead.pk,
            "organization": card_world["water_unit"].pk,
            "instruction": "Огляд",
        },
    )
    assert_done(response, forwarded)
    child = forwarded.assignments.get(parent=lead)
    assert (child.organization, child.role, child.assigned_by, child.instruction) == (
        card_world["water_unit"],
        "co",
        head,
        "Огляд",
    )


# --- refusals ---------------------------------------------------------------------------


def test_service_refusal_is_shown_next_to_the_form_and_changes_nothing(
    client, card_world, preprocessed
):
    client.force_login(card_world["users"]["operator"])
    before = snapshot(preprocessed)
    too_late = preprocessed.due_at + timedelta(days=5)
    response = post(
        client,
        preprocessed,
        "forward",
        {"organization": card_world["roads"].pk, "due": local_input(too_late)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-action-error="forward"' in html
    assert snapshot(preprocessed) == before


def test_action_the_role_may_not_take_is_refused_and_changes_nothing(client, card_world, forwarded):
    client.force_login(card_world["users"]["executor"])
    before = snapshot(forwarded)
    response = post(
        client,
        forwarded,
        "extend",
        {"due": local_input(forwarded.due_at + timedelta(days=3)), "reason": "x"},
    )
    assert response.status_code == 403
    assert 'data-action-error="extend"' in response.content.decode()
    assert snapshot(forwarded) == before


def test_action_in_the_wrong_state_is_refused_and_changes_nothing(client, card_world, in_work):
    client.force_login(card_world["users"]["executor"])
    before = snapshot(in_work)
    response = post(client, in_work, "accept")
    assert response.status_code == 409
    assert 'data-action-error="accept"' in response.content.decode()
    assert snapshot(in_work) == before


def test_invalid_form_calls_nothing(client, card_world, registered):
    client.force_login(card_world["users"]["operator"])
    before = snapshot(registered)
    response = post(client, registered, "answer_on_spot", {"answer": ""})
    assert response.status_code == 400
    assert snapshot(registered) == before


def test_merge_into_unknown_number_is_refused(client, card_world, registered):
    client.force_login(card_world["users"]["operator"])
    before = snapshot(registered)
    response = post(client, registered, "merge", {"parent": "2026-9999999"})
    assert response.status_code == 422
    assert snapshot(registered) == before


def test_actions_on_an_appeal_outside_the_scope_are_404(client, card_world, forwarded):
    client.force_login(card_world["users"]["roads_executor"])
    before = snapshot(forwarded)
    assert post(client, forwarded, "accept").status_code == 404
    assert snapshot(forwarded) == before


def test_htmx_success_swaps_the_card(client, card_world, forwarded):
    client.force_login(card_world["users"]["executor"])
    response = post(client, forwarded, "accept", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="appeal-card"')
    assert 'class="message message--success"' in html
    forwarded.refresh_from_db()
    assert forwarded.status == "accepted"
