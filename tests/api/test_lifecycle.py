"""Every transition endpoint: its happy path through the service, and its refusals."""

from datetime import timedelta

import pytest
from django.utils.dateparse import parse_datetime

from tests.api.conftest import appeal_body, assert_error
from vikno.appeals.choices import EventKind, Status
from vikno.appeals.models import Appeal, AppealEvent, Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def events(number: str) -> list[str]:
    return list(
        AppealEvent.objects.filter(appeal__number=number)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_register_answers_201_with_the_appeal(api, world):
    response = api.post(
        "/appeals",
        {
            "kind": "complaint",
            "channel": "phone",
            "category": "no-cold-water",
            "text": "Третій день немає холодної води в будинку.",
            "address": "вул. Соборна, 10",
            "territory": "center",
            "latitude": "49.233100",
            "longitude": "28.468200",
            "urgent": True,
            "applicant": {
                "kind": "citizen",
                "name": "Олена Коваленко",
                "phone": "067 111 22 33",
                "email": "olena@example.org",
                "address": "вул. Соборна, 10, кв. 5",
                "consent": True,
                "is_privileged": True,
                "privilege_note": "ветеран війни",
            },
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    appeal = Appeal.objects.get()
    assert body["number"] == appeal.number
    assert body["number"].endswith("-0000001")
    assert body["status"] == "registered"
    assert parse_datetime(body["due_at"]) == appeal.due_at
    assert body["category"] == {"code": "no-cold-water", "name": "Відсутність холодної води"}
    assert body["territory"] == {"code": "center", "name": "Центральний район"}
    assert body["urgent"] is True
    assert body["priority"] == 2
    assert body["latitude"] == "49.233100"
    assert body["applicant"] == {
        "kind": "citizen",
        "name": "Олена Коваленко",
        "phone": "+380671112233",
        "email": "olena@example.org",
        "address": "вул. Соборна, 10, кв. 5",
        "consent": True,
        "is_privileged": True,
        "privilege_note": "ветеран війни",
        "preferred_channel": "",
    }
    assert [e["kind"] for e in body["events"]] == ["registered"]
    assert body["events"][0]["actor"] == "operator"
    assert body["assignments"] == []
    assert body["attachments"] == []
    assert body["duplicate_candidates"] == []
    assert appeal.created_by == world["users"]["operator"]


def test_received_at_without_zone_is_local_time(api):
    response = api.post(
        "/appeals",
        {
            "kind": "proposal",
            "channel": "email",
            "category": "pothole",
            "text": "Пропоную відремонтувати дорогу.",
            "received_at": "2020-03-02T10:00:00",
            "applicant": {"name": "Іван", "email": "ivan@example.org", "address": "вул. Тиха, 1"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["received_at"] == "2020-03-02T08:00:00Z"


def test_full_lifecycle_register_to_closed(api, world, register):
    number = register()
    steps = [
        ("/preprocess", {"territory": "center"}, "operator", "preprocessed"),
        ("/forward", {"instruction": "Перевірити тиск"}, "operator", "forwarded"),
        ("/accept", None, "executor", "accepted"),
        ("/start-work", {}, "executor", "in_work"),
        ("/report", {"report": "Аварію усунуто, воду подано."}, "executor", "executed"),
        ("/verify", {"confirmed": True, "note": "Заявниця підтвердила"}, "operator", "closed"),
    ]
    for suffix, body, role, status in steps:
        response = api.post(f"/appeals/{number}{suffix}", body, as_=role)
        assert response.status_code == 200, (suffix, response.content)
        assert response.json()["status"] == status
    body = response.json()
    assert body["executor"] == {"code": "vodokanal", "name": "КП «Водоканал»"}
    assert body["answer"] == "Аварію усунуто, воду подано."
    assert body["outcome"] == "resolved"
    assert body["territory"]["code"] == "center"
    assert [e["kind"] for e in body["events"]] == [
        "registered",
        "preprocessed",
        "forwarded",
        "accepted",
        "work_started",
        "executed",
        "confirmed",
    ]
    [assignment] = body["assignments"]
    assert assignment["organization"]["code"] == "vodokanal"
    assert assignment["role"] == "lead"
    assert assignment["state"] == "executed"
    assert assignment["instruction"] == "Перевірити тиск"
    assert assignment["official"] == "executor"
    assert Appeal.objects.get(number=number).status == Status.CLOSED


def test_preprocess_corrects_kind_category_term_address_and_applicant(api, register):
    number = register()
    response = api.post(
        f"/appeals/{number}/preprocess",
        {
            "kind": "service_request",
            "category": "pothole",
            "term": "short",
            "address": "вул. Миру, 3",
            "applicant": {"phone": "0501234567", "name": "Олена Петрівна Коваленко"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["category"]["code"], body["term"]) == (
        "service_request",
        "pothole",
        "short",
    )
    assert body["address"] == "вул. Миру, 3"
    assert body["applicant"]["phone"] == "+380501234567"
    assert body["applicant"]["name"] == "Олена Петрівна Коваленко"


def test_preprocess_art5_refusal_names_the_fields(api, register):
    number = register(channel="email", applicant={"name": "Іван", "address": ""})
    body = assert_error(
        api.post(f"/appeals/{number}/preprocess", {}),
        422,
        "art5_incomplete",
        {"applicant.address", "applicant.email"},
    )
    assert body["fields"]["applicant.address"] != []
    assert events(number) == ["registered"]


def test_answer_on_spot_closes_as_consulted(api, register):
    number = register()
    response = api.post(
        f"/appeals/{number}/answer-on-spot", {"answer": "Графік подачі води: з 6 до 22."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["answer"]) == (
        "closed",
        "consulted",
        "Графік подачі води: з 6 до 22.",
    )


def test_forward_names_executor_co_executors_and_due(api, walk, world):
    number = walk("preprocessed")
    due = Appeal.objects.get(number=number).due_at - timedelta(days=1)
    response = api.post(
        f"/appeals/{number}/forward",
        {
            "organization": "roads",
            "co_executors": ["vodokanal"],
            "due_at": due.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["executor"]["code"] == "roads"
    assert [(a["organization"]["code"], a["role"], a["state"]) for a in body["assignments"]] == [
        ("roads", "lead", "pending"),
        ("vodokanal", "co", "pending"),
    ]
    assert parse_datetime(body["assignments"][0]["due_at"]) == due


def test_forward_without_route_is_refused_with_field(api, walk, world):
    world["no_water"].parent.routes.all().delete()
    number = walk("preprocessed")
    assert_error(api.post(f"/appeals/{number}/forward", {}), 422, "no_route", {"organization"})
    assert Appeal.objects.get(number=number).status == Status.PREPROCESSED


def test_forward_out_to_an_outside_body(api, walk):
    number = walk("preprocessed")
    response = api.post(
        f"/appeals/{number}/forward-out", {"organization": "gov-cc", "note": "За компетенцією"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["executor"]["code"]) == (
        "forwarded_out",
        "forwarded_out",
        "gov-cc",
    )


def test_return_then_reforward(api, walk):
    number = walk("forwarded")
    response = api.post(
        f"/appeals/{number}/return", {"reason": "Це мережі іншого підприємства"}, as_="executor"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    assert response.json()["executor"] is None
    response = api.post(f"/appeals/{number}/forward", {"organization": "roads"})
    assert response.json()["status"] == "forwarded"


def test_verify_not_confirmed_goes_back_to_work(api, walk):
    number = walk("executed")
    response = api.post(
        f"/appeals/{number}/verify", {"confirmed": False, "note": "Води досі немає"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_work"


def test_extend_by_supervisor_and_45_day_cap(api, walk):
    number = walk("forwarded")
    appeal = Appeal.objects.get(number=number)
    new_due = appeal.due_at + timedelta(days=10)
    response = api.post(
        f"/appeals/{number}/extend",
        {"due_at": new_due.isoformat(), "reason": "Потрібна експертиза"},
        as_="supervisor",
    )
    assert response.status_code == 200, response.content
    assert parse_datetime(response.json()["due_at"]) == new_due
    too_late = appeal.received_at + timedelta(days=60)
    assert_error(
        api.post(
            f"/appeals/{number}/extend",
            {"due_at": too_late.isoformat(), "reason": "Ще"},
            as_="supervisor",
        ),
        422,
        "term_exceeds_limit",
        {"due_at"},
    )
    assert Appeal.objects.get(number=number).due_at == new_due


def test_reject_repeated_names_the_earlier_appeal(api, walk):
    earlier = walk("closed")
    number = walk("registered")
    response = api.post(f"/appeals/{number}/reject", {"reason": "repeated", "repeated_of": earlier})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["rejection_reason"], body["repeated_of"]) == (
        "rejected",
        "repeated",
        earlier,
    )


def test_reject_with_unknown_earlier_number_is_404(api, register):
    number = register()
    assert_error(
        api.post(
            f"/appeals/{number}/reject", {"reason": "repeated", "repeated_of": "2026-9999999"}
        ),
        404,
        "not_found",
        {"repeated_of"},
    )


def test_merge_into_parent_and_duplicates_are_offered(api, register):
    parent = register()
    number = register()
    detail = api.get(f"/appeals/{number}").json()
    assert [d["number"] for d in detail["duplicate_candidates"]] == [parent]
    response = api.post(f"/appeals/{number}/merge", {"parent": parent})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["parent"]) == ("merged", parent)


def test_reopen_closed_appeal_by_supervisor(api, walk):
    number = walk("closed")
    response = api.post(
        f"/appeals/{number}/reopen",
        {"reason": "Заявниця повідомила, що води знову немає"},
        as_="supervisor",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_work"
    assert events(number)[-1] == EventKind.REOPENED


def test_attachments_multipart_then_report(api, walk, tmp_path):
    number = walk("in_work")
    photo = tmp_path / "pipe.png"
    photo.write_bytes(PNG)
    with photo.open("rb") as handle:
        response = api.post_files(
            f"/appeals/{number}/attachments",
            {"files": [handle], "purpose": "report"},
            as_="executor",
        )
    assert response.status_code == 201, response.content
    [attachment] = response.json()
    assert (
        attachment["name"],
        attachment["content_type"],
        attachment["size"],
        attachment["purpose"],
    ) == (
        "pipe.png",
        "image/png",
        len(PNG),
        "report",
    )
    assert attachment["url"].startswith("/media/appeals/")
    detail = api.get(f"/appeals/{number}").json()
    assert [a["id"] for a in detail["attachments"]] == [attachment["id"]]


def test_attachment_of_wrong_kind_is_refused(api, register, tmp_path):
    number = register()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with text.open("rb") as handle:
        assert_error(
            api.post_files(f"/appeals/{number}/attachments", {"files": [handle]}),
            422,
            "validation_error",
            {"files"},
        )
    assert Attachment.objects.count() == 0


# --- refusals ---------------------------------------------------------------------------


TRANSITIONS = [
    ("preprocess", {}),
    ("answer-on-spot", {"answer": "x"}),
    ("forward", {}),
    ("forward-out", {"organization": "gov-cc"}),
    ("accept", {}),
    ("return", {"reason": "x"}),
    ("start-work", {}),
    ("report", {"report": "x"}),
    ("verify", {"confirmed": True}),
    ("extend", {"due_at": "2030-01-01T00:00:00Z", "reason": "x"}),
    ("reject", {"reason": "incomplete", "comment": "x"}),
    ("merge", {"parent": "2026-0000001"}),
    ("reopen", {"reason": "x"}),
]


@pytest.mark.parametrize(("action", "body"), TRANSITIONS)
def test_unknown_number_is_404_for_every_transition(api, world, action, body):
    assert_error(
        api.post(f"/appeals/2026-0099999/{action}", body, as_="administrator"), 404, "not_found"
    )


@pytest.mark.parametrize(
    ("status", "action", "body", "role"),
    [
        ("registered", "forward", {}, "operator"),
        ("registered", "accept", {}, "executor"),
        ("forwarded", "preprocess", {}, "operator"),
        ("closed", "report", {"report": "Зроблено"}, "executor"),
        ("in_work", "verify", {"confirmed": True}, "operator"),
        ("registered", "reopen", {"reason": "x"}, "supervisor"),
        ("closed", "answer-on-spot", {"answer": "x"}, "operator"),
    ],
)
def test_invalid_transition_is_409_and_changes_nothing(api, walk, status, action, body, role):
    number = walk(status)
    before = (Appeal.objects.get(number=number).status, events(number))
    assert_error(api.post(f"/appeals/{number}/{action}", body, as_=role), 409, "invalid_transition")
    assert (Appeal.objects.get(number=number).status, events(number)) == before


@pytest.mark.parametrize(
    ("status", "action", "body", "role"),
    [
        ("registered", "preprocess", {}, "executor"),
        ("registered", "preprocess", {}, "analyst"),
        ("preprocessed", "forward", {}, "executor"),
        ("forwarded", "accept", {}, "operator"),
        ("forwarded", "accept", {}, "roads_executor"),
        ("executed", "verify", {"confirmed": True}, "executor"),
        ("forwarded", "extend", {"due_at": "2030-01-01T00:00:00Z", "reason": "x"}, "operator"),
        ("closed", "reopen", {"reason": "x"}, "operator"),
    ],
)
def test_wrong_role_is_403_and_changes_nothing(api, walk, status, action, body, role):
    number = walk(status)
    before = (Appeal.objects.get(number=number).status, events(number))
    assert_error(api.post(f"/appeals/{number}/{action}", body, as_=role), 403, "forbidden")
    assert (Appeal.objects.get(number=number).status, events(number)) == before


@pytest.mark.parametrize("role", ["analyst", "executor"])
def test_register_refused_for_roles_that_do_not_register(api, role):
    assert_error(api.post("/appeals", appeal_body(), as_=role), 403, "forbidden")
    assert Appeal.objects.count() == 0
