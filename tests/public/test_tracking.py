"""The private status page /track/<token>: what the applicant sees, and what nobody sees."""

from datetime import timedelta

import pytest
from django.utils.html import escape

from tests.factories import applicant_data, register_appeal
from vikno.appeals import services
from vikno.appeals.choices import Channel, RejectionReason, Status
from vikno.core.clock import end_of_local_day, local_date

APPLICANT = {
    "name": "Олена Коваленко",
    "phone": "+380671112233",
    "email": "olena@example.org",
    "address": "м. Вікно, вул. Соборна, 10, кв. 5",
}
RETURN_REASON = "Це ділянка сусіднього КП, внутрішня примітка для диспетчера"
INSTRUCTION = "Внутрішнє доручення: перевірити засувку"
EXTENSION_REASON = "Потрібно замовити нову засувку у постачальника"
REPORT = "Засувку замінено, холодну воду подано 12 листопада."


@pytest.fixture
def staff(world):
    """Staff with full names, so that the page can be checked for never naming them."""
    users = world["users"]
    for user, (first, last) in {
        users["operator"]: ("Ірина", "Операторенко"),
        users["supervisor"]: ("Петро", "Керівниченко"),
        users["executor"]: ("Василь", "Водопровідненко"),
    }.items():
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return users


@pytest.fixture
def executed_appeal(world, staff):
    """An appeal taken through returning, re-forwarding, an extension and execution."""
    operator, supervisor, executor = staff["operator"], staff["supervisor"], staff["executor"]
    appeal = register_appeal(
        actor=operator,
        category=world["no_water"],
        channel=Channel.PHONE,
        applicant=applicant_data(**APPLICANT),
    )
    services.appeal_preprocess(actor=operator, appeal=appeal)
    services.appeal_forward(actor=operator, appeal=appeal)
    services.appeal_return(actor=executor, appeal=appeal, reason=RETURN_REASON)
    services.appeal_forward(
        actor=operator, appeal=appeal, organization=world["water"], instruction=INSTRUCTION
    )
    services.appeal_accept(actor=executor, appeal=appeal)
    services.appeal_start_work(actor=executor, appeal=appeal)
    appeal.refresh_from_db()
    due = end_of_local_day(local_date(appeal.received_at) + timedelta(days=30))
    services.appeal_extend(actor=supervisor, appeal=appeal, due=due, reason=EXTENSION_REASON)
    services.appeal_report_execution(actor=executor, appeal=appeal, report=REPORT)
    appeal.refresh_from_db()
    assert appeal.status == Status.EXECUTED
    return appeal


def test_status_page_shows_progress_history_and_answer(client, world, executed_appeal):
    appeal = executed_appeal
    response = client.get(f"/track/{appeal.tracking_token}")

    assert response.status_code == 200
    html = response.content.decode()
    status = response.context["status"]
    assert status.number == appeal.number
    assert status.category == "Відсутність холодної води"
    assert status.executor == "КП «Водоканал»"
    assert status.answer == REPORT
    assert [step["state"] for step in status.steps] == ["done", "done", "done", "current", "todo"]
    # The public steps, in order; the return to the operator is internal work.
    assert [event.detail for event in status.history] == [
        "",
        "КП «Водоканал»",
        "КП «Водоканал»",
        "",
        "",
        EXTENSION_REASON,
        "",
    ]
    assert len(status.history) == 7
    assert appeal.number in html
    assert escape("КП «Водоканал»") in html
    assert EXTENSION_REASON in html
    assert REPORT in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_status_page_never_shows_personal_data_or_internal_notes(
    client, world, staff, executed_appeal
):
    html = client.get(f"/track/{executed_appeal.tracking_token}").content.decode()

    for secret in (
        APPLICANT["name"],
        "Коваленко",
        APPLICANT["phone"],
        "671112233",
        APPLICANT["email"],
        APPLICANT["address"],
        "кв. 5",
        executed_appeal.text,  # the essence may itself hold personal data
        RETURN_REASON,
        INSTRUCTION,
    ):
        assert secret not in html, secret
    for role in ("operator", "supervisor", "executor"):
        assert str(staff[role]) not in html, role
    assert "Операторенко" not in html
    assert "Водопровідненко" not in html


def test_other_appeals_are_not_shown(client, world, executed_appeal):
    other = register_appeal(
        actor=world["users"]["operator"],
        category=world["pothole"],
        text="Велика яма біля школи №3.",
        applicant=applicant_data(
            name="Інший Заявник", phone="+380501234567", email="other@example.org"
        ),
    )
    html = client.get(f"/track/{executed_appeal.tracking_token}").content.decode()
    assert other.number not in html
    assert "Яма на дорозі" not in html
    assert other.tracking_token not in html


def test_open_appeal_refreshes_itself_with_htmx(client, world, executed_appeal):
    url = f"/track/{executed_appeal.tracking_token}"
    html = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 60s" hx-swap="outerHTML"' in html
    assert "django_htmx/htmx-2.min.js" in html

    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="appeal-status"')
    assert "<html" not in body
    assert REPORT in body
    assert "HX-Request" in fragment["Vary"]


def test_closed_appeal_shows_answer_and_stops_refreshing(client, world, staff, executed_appeal):
    services.appeal_verify(
        actor=staff["operator"],
        appeal=executed_appeal,
        confirmed=True,
        note="Заявниця дякує, Ірина",
    )
    response = client.get(f"/track/{executed_appeal.tracking_token}")
    status = response.context["status"]
    assert status.is_open is False
    assert [step["state"] for step in status.steps] == ["done"] * 5
    assert status.answer == REPORT
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "Заявниця дякує" not in html


def test_rejection_tells_the_ground_and_explanation(client, world):
    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["pothole"])
    explanation = "Не зазначено суті питання: опишіть, що саме сталося"
    services.appeal_reject(
        actor=operator, appeal=appeal, reason=RejectionReason.INCOMPLETE, comment=explanation
    )
    response = client.get(f"/track/{appeal.tracking_token}")
    status = response.context["status"]
    assert status.status == Status.REJECTED
    assert status.on_path is False
    assert status.history[-1].detail == f"{RejectionReason.INCOMPLETE.label}: {explanation}"
    html = response.content.decode()
    assert escape(explanation) in html
    assert escape(str(RejectionReason.INCOMPLETE.label)) in html
    assert 'class="progress"' not in html


def test_unknown_token_is_404(client, world):
    register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    response = client.get("/track/no-such-token-0123456789abcdef")
    assert response.status_code == 404
    assert response.templates[0].name == "public/track_not_found.html"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert client.get("/track/" + "x" * 500).status_code == 404


def test_lookup_by_pasted_link_redirects_to_the_status_page(client, world):
    appeal = register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    for pasted in (
        f"  http://127.0.0.1:8000/track/{appeal.tracking_token}  ",
        appeal.tracking_token,
        f"/track/{appeal.tracking_token}/",
    ):
        response = client.get("/track/", {"code": pasted})
        assert response.status_code == 302, pasted
        assert response["Location"] == f"/track/{appeal.tracking_token}"


def test_lookup_of_unknown_code_explains(client, world):
    response = client.get("/track/", {"code": "nothing-like-this"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert '<a href="#id_code">' in response.content.decode()


def test_web_appeal_just_filed_is_registered_on_the_status_page(client, world, form_data):
    client.post("/appeals/new", form_data)
    page = client.get("/appeals/registered")
    appeal = page.context["appeal"]
    response = client.get(f"/track/{appeal.tracking_token}")
    status = response.context["status"]
    assert status.status == Status.REGISTERED
    assert [step["state"] for step in status.steps] == ["current", "todo", "todo", "todo", "todo"]
    assert len(status.history) == 1
    assert "Олена Коваленко" not in response.content.decode()
