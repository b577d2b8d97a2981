"""GET /api/v1/indicators: exact values on a small fixture, the organization's subtree,
who may read them, and the error shape."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import assert_error
from tests.feedback.conftest import request_of
from vikno.appeals import services as appeal_services
from vikno.appeals.choices import Kind
from vikno.appeals.models import Appeal
from vikno.core.clock import travel
from vikno.feedback import services

pytestmark = pytest.mark.django_db


def kyiv(*args: int) -> datetime:
    from django.utils import timezone

    return datetime(*args, tzinfo=timezone.get_fixed_timezone(120))


NOW = kyiv(2026, 11, 20, 12, 0)


@pytest.fixture
def appeals(flow, world):
    """Received 1-20 November (terms of 15 days: due 17 November) unless said otherwise:

    a1 complaint, confirmed by the applicant on 5 Nov, rated 5;
    a2 application, "not solved" on 5 Nov, still in work on 20 Nov: overdue;
    a3 complaint, verified by staff on 19 Nov (after its term), rated 2;
    a4 proposal received 15 Nov, registered only (no executor), due 30 Nov;
    a5 complaint received 30 Oct: outside the period;
    a6 proposal on a pothole (roads, a month's term), forwarded on 3 Nov.
    """
    with travel(kyiv(2026, 11, 2, 10, 0)):
        a1 = flow.executed(kind=Kind.COMPLAINT)
        a2 = flow.executed(kind=Kind.APPLICATION)
        a3 = flow.executed(kind=Kind.COMPLAINT)
    with travel(kyiv(2026, 11, 5, 9, 0)):
        services.appeal_confirm_by_applicant(token=request_of(a1).token, confirmed=True)
        services.rating_create(token=request_of(a1).token, score=5)
        services.appeal_confirm_by_applicant(
            token=request_of(a2).token, confirmed=False, comment="Вода так і не з'явилася."
        )
    with travel(kyiv(2026, 11, 19, 9, 0)):
        appeal_services.appeal_verify(actor=flow.operator, appeal=a3, confirmed=True)
        services.rating_create(
            token=request_of(a3).token,
            score=2,
            comment="Закрили після строку.",
            is_complaint_about_handling=True,
        )
    with travel(kyiv(2026, 11, 15, 10, 0)):
        flow.registered(kind=Kind.PROPOSAL)
    with travel(kyiv(2026, 10, 30, 10, 0)):
        flow.registered(kind=Kind.COMPLAINT)
    with travel(kyiv(2026, 11, 3, 10, 0)):
        flow.forwarded(kind=Kind.PROPOSAL, category=world["pothole"])


def get(api, as_="analyst", **params):
    with travel(NOW):
        return api.get("/indicators", as_=as_, **params)


def test_indicators_of_everything(api, appeals):
    response = get(api, date_from="2026-11-01", date_to="2026-11-20")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "date_from": "2026-11-01",
        "date_to": "2026-11-20",
        "organization": None,
        "total": 5,
        "answered_late": 2,
        "answered_late_share": 0.4,
        "complaints": 2,
        "complaints_per_1000": 400.0,
        "ratings": 2,
        "average_rating": 3.5,
        "feedback_answered": 2,
        "feedback_confirmed": 1,
        "confirmation_rate": 0.5,
    }


def test_indicators_of_an_organization(api, appeals):
    body = get(api, date_from="2026-11-01", date_to="2026-11-20", organization="vodokanal").json()
    assert (body["organization"], body["total"], body["answered_late"]) == ("vodokanal", 3, 2)
    assert body["answered_late_share"] == 0.6667
    assert body["complaints_per_1000"] == 666.6667
    assert (body["average_rating"], body["confirmation_rate"]) == (3.5, 0.5)

    roads = get(api, date_from="2026-11-01", date_to="2026-11-20", organization="roads").json()
    assert {k: roads[k] for k in roads if k not in {"date_from", "date_to"}} == {
        "organization": "roads",
        "total": 1,
        "answered_late": 0,
        "answered_late_share": 0.0,
        "complaints": 0,
        "complaints_per_1000": 0.0,
        "ratings": 0,
        "average_rating": None,
        "feedback_answered": 0,
        "feedback_confirmed": 0,
        "confirmation_rate": None,
    }
    # The executive committee and everything under it: both utilities, not the unrouted a4.
    city = get(api, date_from="2026-11-01", date_to="2026-11-20", organization="city").json()
    assert (city["total"], city["answered_late"], city["complaints"]) == (4, 2, 2)


def test_the_period_includes_both_ends_in_local_dates(api, appeals):
    assert get(api, date_from="2026-10-30", date_to="2026-10-30").json()["total"] == 1
    assert get(api, date_from="2026-11-02", date_to="2026-11-02").json()["total"] == 3
    empty = get(api, date_from="2026-12-01", date_to="2026-12-31").json()
    assert (empty["total"], empty["answered_late_share"], empty["complaints_per_1000"]) == (
        0,
        None,
        None,
    )


def test_the_default_period_is_the_last_30_days(api, appeals):
    body = get(api).json()
    assert (body["date_from"], body["date_to"], body["total"]) == ("2026-10-22", "2026-11-20", 6)


def test_indicators_are_computed_in_a_few_queries(api, appeals, django_assert_max_num_queries):
    get(api)  # the first read folds the new appeals into the daily tallies
    Appeal.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    # Key lookup and its last-used stamp, the organization and its subtree; the tallies'
    # refresh with nothing to fold in (its mark, the changed days, the mark again, in a
    # savepoint); the sums of the tallies; the open appeals past their term.
    with django_assert_max_num_queries(11):
        assert get(api, organization="city").status_code == 200


@pytest.mark.parametrize(
    ("as_", "status"),
    [
        ("analyst", 200),
        ("supervisor", 200),
        ("administrator", 200),
        ("analyst_read_only", 200),
        ("operator", 403),
        ("executor", 403),
    ],
)
def test_who_may_read_the_indicators(api, world, as_, status):
    response = get(api, as_=as_)
    if status == 200:
        assert response.status_code == 200
    else:
        assert_error(response, 403, "forbidden")


def test_a_key_without_the_read_scope_is_refused(api, world):
    assert_error(get(api, as_="analyst_write_only"), 403, "insufficient_scope")


def test_without_a_key_the_answer_is_401(api, world):
    assert_error(get(api, as_=None), 401, "unauthorized")


def test_a_supervisor_of_an_organization_sees_its_subtree_only(api, world, appeals):
    supervisor = world["users"]["supervisor"]
    supervisor.organization = world["water"]
    supervisor.save()
    own = get(api, as_="supervisor", date_from="2026-11-01", date_to="2026-11-20").json()
    assert (own["organization"], own["total"]) == ("vodokanal", 3)
    assert_error(get(api, as_="supervisor", organization="city"), 403, "forbidden")
    assert_error(get(api, as_="supervisor", organization="roads"), 403, "forbidden")


def test_wrong_parameters_are_refused_in_the_api_shape(api, world):
    assert_error(
        get(api, date_from="2026-11-20", date_to="2026-11-01"),
        422,
        "validation_error",
        {"date_from"},
    )
    assert_error(get(api, organization="nowhere"), 422, "validation_error", {"organization"})
    assert_error(get(api, date_from="20.11.2026"), 422, "validation_error", {"date_from"})
