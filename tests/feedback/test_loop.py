"""The feedback loop from the applicant's link: executed → "Is the problem solved?" →
"no" with their words back to work, or "yes" closed as resolved; the rating after closing."""

from datetime import timedelta

import pytest
from django.utils import translation

from tests.appeals.conftest import reload
from tests.feedback.conftest import request_of
from vikno.appeals import services as appeal_services
from vikno.appeals.choices import AssignmentRole, AssignmentState, EventKind, Outcome, Status
from vikno.core.clock import now, travel
from vikno.core.errors import InvalidTransition, NotFound, ValidationFailed
from vikno.feedback import services
from vikno.feedback.models import FeedbackRequest, Rating
from vikno.feedback.services import SYSTEM_USERNAME
from vikno.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_execution_sends_the_applicant_a_link(flow, settings):
    settings.VIKNO_PUBLIC_URL = "https://vikno.example.org"
    moment = now()
    with travel(moment):
        appeal = flow.executed()
    request = FeedbackRequest.objects.get(appeal=appeal)
    assert len(request.token) == 43
    assert request.created_at == appeal.answered_at == moment
    assert request.is_pending
    message = Notification.objects.get(event="feedback_requested")
    assert message.key == f"feedback_requested:{request.pk}:email:applicant"
    assert message.address == "olena@example.org"
    assert message.subject == f"Звернення {appeal.number}: чи вирішено проблему?"
    assert f"https://vikno.example.org/feedback/{request.token}\n" in message.body_text
    assert "Подачу води відновлено." in message.body_text


def test_applicant_without_email_gets_an_sms(flow):
    from tests.factories import applicant_data

    appeal = flow.executed(applicant=applicant_data(email=""))
    token = request_of(appeal).token
    message = Notification.objects.get(event="feedback_requested")
    assert message.channel == "sms"
    assert message.address == "+380671112233"
    assert message.body_text == (
        f"Звернення {appeal.number} виконано. Чи вирішено проблему? "
        f"Відповідь: http://127.0.0.1:8000/feedback/{token}"
    )


def test_a_co_executors_report_sends_no_link(flow, world):
    appeal = flow.forwarded(co_executors=[world["roads"]])
    roads = world["users"]["roads_executor"]
    appeal_services.appeal_accept(actor=roads, appeal=appeal)
    appeal_services.appeal_report_execution(actor=roads, appeal=appeal, report="Наша частина.")
    assert not FeedbackRequest.objects.exists()


def test_no_with_words_sends_the_appeal_back_to_work(flow, client):
    appeal = flow.executed()
    token = request_of(appeal).token

    page = client.get(f"/feedback/{token}")
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert b'name="solved"' in page.content

    response = client.post(
        f"/feedback/{token}", {"solved": "no", "comment": "Вода є лише вночі, вдень немає."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/{token}"

    appeal = reload(appeal)
    assert appeal.status == Status.IN_WORK
    assert appeal.closed_at is None
    lead = appeal.assignments.get(role=AssignmentRole.LEAD)
    assert lead.state == AssignmentState.IN_WORK
    event = appeal.events.order_by("-id").first()
    assert event.kind == EventKind.NOT_CONFIRMED
    assert event.comment == "Вода є лише вночі, вдень немає."
    assert event.from_status == Status.EXECUTED
    assert event.to_status == Status.IN_WORK
    assert event.actor.username == SYSTEM_USERNAME
    assert event.actor_label == "Заявник (за посиланням)"
    request = request_of(appeal)
    assert request.confirmed is False
    assert request.answered_at is not None
    assert request.comment == "Вода є лише вночі, вдень немає."
    assert not Notification.objects.filter(event="rating_requested").exists()
    after = client.get(f"/feedback/{token}")
    assert after.status_code == 200
    assert b'name="solved"' not in after.content


def test_yes_closes_the_appeal_as_resolved_and_asks_for_a_rating(flow, client):
    appeal = flow.executed()
    token = request_of(appeal).token
    response = client.post(f"/feedback/{token}", {"solved": "yes", "comment": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/{token}/rate"

    appeal = reload(appeal)
    assert appeal.status == Status.CLOSED
    assert appeal.outcome == Outcome.RESOLVED
    assert appeal.closed_at is not None
    event = appeal.events.order_by("-id").first()
    assert (event.kind, event.actor_label) == (EventKind.CONFIRMED, "Заявник (за посиланням)")
    request = request_of(appeal)
    assert (request.confirmed, request.auto_closed) == (True, False)
    rating_message = Notification.objects.get(event="rating_requested")
    assert f"/feedback/{token}/rate" in rating_message.body_text


def test_the_system_account_cannot_sign_in(flow):
    appeal = flow.executed()
    services.appeal_confirm_by_applicant(token=request_of(appeal).token, confirmed=True)
    user = reload(appeal).events.order_by("-id").first().actor
    assert (user.is_active, user.has_usable_password(), user.is_service_account) == (
        False,
        False,
        True,
    )


def test_a_used_link_is_refused_and_nothing_changes(flow, snapshot, client):
    appeal = flow.executed()
    token = request_of(appeal).token
    services.appeal_confirm_by_applicant(token=token, confirmed=False, comment="Не зроблено.")
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        services.appeal_confirm_by_applicant(token=token, confirmed=True)
    assert refused.value.code == "feedback_already_answered"
    page = client.post(f"/feedback/{token}", {"solved": "yes"})
    assert page.status_code == 409  # the link is spent: the page says so, with no form
    assert b'id="error-summary"' in page.content
    assert b'name="solved"' not in page.content
    assert snapshot(appeal) == before


def test_a_link_of_an_appeal_verified_by_staff_is_refused(flow, snapshot):
    appeal = flow.executed()
    token = request_of(appeal).token
    appeal_services.appeal_verify(actor=flow.operator, appeal=appeal, confirmed=True)
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        services.appeal_confirm_by_applicant(token=token, confirmed=False, comment="Ні.")
    assert refused.value.code == "feedback_closed"
    assert snapshot(appeal) == before


def test_a_new_execution_supersedes_the_earlier_link(flow):
    appeal = flow.executed()
    first = request_of(appeal)
    appeal_services.appeal_verify(
        actor=flow.operator, appeal=appeal, confirmed=False, note="Заявниця по телефону: ні."
    )
    appeal_services.appeal_report_execution(
        actor=flow.executor, appeal=appeal, report="Замінено засувку."
    )
    second = request_of(appeal)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.superseded_at is not None
    with pytest.raises(InvalidTransition):
        services.appeal_confirm_by_applicant(token=first.token, confirmed=True)
    services.appeal_confirm_by_applicant(token=second.token, confirmed=True)
    assert reload(appeal).status == Status.CLOSED


def test_no_without_words_is_refused_and_nothing_changes(flow, snapshot, client):
    appeal = flow.executed()
    token = request_of(appeal).token
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_confirm_by_applicant(token=token, confirmed=False, comment="   ")
    assert set(refused.value.fields) == {"comment"}
    page = client.post(f"/feedback/{token}", {"solved": "no", "comment": ""})
    assert page.status_code == 422
    assert b"error-summary" in page.content
    assert snapshot(appeal) == before


def test_unknown_links_are_not_found(flow, client):
    flow.executed()
    assert client.get("/feedback/nonexistent").status_code == 404
    assert client.get("/feedback/nonexistent/rate").status_code == 404
    assert client.get("/feedback/" + "x" * 65).status_code == 404
    with pytest.raises(NotFound):
        services.appeal_confirm_by_applicant(token="nonexistent", confirmed=True)


# --- the automatic confirmation ---------------------------------------------------------


def test_auto_confirm_sweep_closes_exactly_the_stale_links(flow, settings):
    settings.VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS = 10
    start = now()
    with travel(start - timedelta(days=11)):
        stale = flow.executed()
        answered_no = flow.executed()
        verified_by_staff = flow.executed()
    with travel(start - timedelta(days=10, minutes=-1)):
        almost = flow.executed()
    services.appeal_confirm_by_applicant(
        token=request_of(answered_no).token, confirmed=False, comment="Ні, не зроблено."
    )
    appeal_services.appeal_verify(actor=flow.operator, appeal=verified_by_staff, confirmed=True)

    with translation.override("en"):
        assert services.feedback_auto_confirm_sweep(now=start) == 1

    closed = reload(stale)
    assert (closed.status, closed.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    event = closed.events.order_by("-id").first()
    assert event.kind == EventKind.CONFIRMED
    assert event.comment == "Closed as confirmed: the applicant did not answer within 10 days."
    request = request_of(stale)
    assert (request.auto_closed, request.answered_at, request.confirmed) == (True, None, None)
    assert reload(almost).status == Status.EXECUTED
    assert reload(answered_no).status == Status.IN_WORK
    assert request_of(verified_by_staff).auto_closed is False
    assert Notification.objects.filter(event="rating_requested").count() == 1

    # A re-run closes nothing twice; a minute later the next one is due.
    assert services.feedback_auto_confirm_sweep(now=start) == 0
    assert services.feedback_auto_confirm_sweep(now=start + timedelta(minutes=2)) == 1
    assert reload(almost).status == Status.CLOSED
    with pytest.raises(InvalidTransition):
        services.appeal_confirm_by_applicant(
            token=request_of(stale).token, confirmed=False, comment="Запізно."
        )


def test_the_sweep_selects_in_one_query(flow, django_assert_max_num_queries):
    with travel(now() - timedelta(days=30)):
        flow.executed()
    with django_assert_max_num_queries(1):
        assert services.feedback_auto_confirm_sweep(now=now() - timedelta(days=25)) == 0


def test_the_periodic_task_runs_the_sweep(flow, settings):
    from vikno.feedback.tasks import feedback_auto_confirm

    with travel(now() - timedelta(days=settings.VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS + 1)):
        appeal = flow.executed()
    feedback_auto_confirm.call_local()
    assert reload(appeal).status == Status.CLOSED


# --- the rating -------------------------------------------------------------------------


@pytest.fixture
def closed_token(flow):
    appeal = flow.executed()
    token = request_of(appeal).token
    services.appeal_confirm_by_applicant(token=token, confirmed=True)
    return reload(appeal), token


@pytest.mark.parametrize(("score", "typed"), [(0, "0"), (6, "6"), (-1, "-1"), (True, "five")])
def test_scores_outside_1_to_5_are_refused(closed_token, snapshot, client, score, typed):
    appeal, token = closed_token
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.rating_create(token=token, score=score, comment="")
    assert set(refused.value.fields) == {"score"}
    page = client.post(f"/feedback/{token}/rate", {"score": typed, "comment": ""})
    assert page.status_code == 422
    assert snapshot(appeal) == before


def test_a_rating_with_a_complaint_about_the_handling(closed_token, client):
    appeal, token = closed_token
    assert client.get(f"/feedback/{token}/rate").status_code == 200
    response = client.post(
        f"/feedback/{token}/rate",
        {
            "score": "2",
            "comment": "Чекала тиждень, ніхто не передзвонив.",
            "is_complaint_about_handling": "on",
        },
    )
    assert response.status_code == 200
    rating = Rating.objects.get()
    assert (rating.appeal_id, rating.score, rating.is_complaint_about_handling) == (
        appeal.pk,
        2,
        True,
    )
    assert rating.comment == "Чекала тиждень, ніхто не передзвонив."


def test_an_appeal_is_rated_once(closed_token, snapshot):
    appeal, token = closed_token
    services.rating_create(token=token, score=5)
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        services.rating_create(token=token, score=1)
    assert refused.value.code == "already_rated"
    assert snapshot(appeal) == before


def test_an_open_appeal_cannot_be_rated(flow, snapshot):
    appeal = flow.executed()
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition) as refused:
        services.rating_create(token=request_of(appeal).token, score=4)
    assert refused.value.code == "rating_not_closed"
    assert snapshot(appeal) == before


def test_a_complaint_needs_words(closed_token, snapshot):
    appeal, token = closed_token
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as refused:
        services.rating_create(token=token, score=1, is_complaint_about_handling=True)
    assert set(refused.value.fields) == {"comment"}
    assert snapshot(appeal) == before


def test_administrators_read_the_feedback_in_the_admin(closed_token, client, world):
    appeal, token = closed_token
    services.rating_create(token=token, score=4, comment="Дякую.")
    client.force_login(world["users"]["administrator"])
    requests = client.get("/admin/feedback/feedbackrequest/")
    assert [r.appeal_id for r in requests.context["cl"].result_list] == [appeal.pk]
    ratings = client.get("/admin/feedback/rating/")
    assert [r.score for r in ratings.context["cl"].result_list] == [4]
    rating = Rating.objects.get()
    assert (
        client.post(f"/admin/feedback/rating/{rating.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Rating.objects.count() == 1
    client.force_login(world["users"]["operator"])
    assert client.get("/admin/feedback/rating/").status_code == 302  # to the sign-in
