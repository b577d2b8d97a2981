"""GET /appeals: filters, pagination, stable order, no N+1; who sees the applicant."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import applicant_data, register_appeal
from vikno.appeals.choices import Channel, Kind
from vikno.appeals.services import appeal_forward, appeal_preprocess
from vikno.core.clock import travel


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def make(world, **overrides):
    return register_appeal(
        actor=world["users"]["operator"],
        category=overrides.pop("category", world["no_water"]),
        **overrides,
    )


def test_newest_first_with_stable_tie_break_and_pagination(api, world):
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with travel(moment + timedelta(hours=1)):
        same = [make(world, received_at=moment) for _ in range(3)]
        older = make(world, received_at=moment - timedelta(days=1))
    expected = [a.number for a in reversed(same)] + [older.number]
    assert numbers(api.get("/appeals")) == expected
    page = api.get("/appeals", limit=2, offset=1).json()
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [i["number"] for i in page["items"]] == expected[1:3]


def test_filters(api, world):
    complaint = make(world)
    pothole = make(
        world,
        category=world["pothole"],
        kind=Kind.SERVICE_REQUEST,
        channel=Channel.WEB,
        territory=world["district"],
        text="Яма на дорозі біля школи №5",
        address="вул. Шкільна, 5",
    )
    forwarded = make(world, text="Прорив труби на розі вулиць")
    appeal_preprocess(actor=world["users"]["operator"], appeal=forwarded)
    appeal_forward(actor=world["users"]["operator"], appeal=forwarded)

    assert numbers(api.get("/appeals", status="forwarded")) == [forwarded.number]
    assert numbers(api.get("/appeals", status=["forwarded", "registered"])) == [
        forwarded.number,
        pothole.number,
        complaint.number,
    ]
    assert numbers(api.get("/appeals", category="housing")) == [forwarded.number, complaint.number]
    assert numbers(api.get("/appeals", organization="city")) == [forwarded.number]
    assert numbers(api.get("/appeals", territory="center")) == [pothole.number]
    assert numbers(api.get("/appeals", channel="web")) == [pothole.number]
    assert numbers(api.get("/appeals", kind="service_request")) == [pothole.number]
    assert numbers(api.get("/appeals", q="школи")) == [pothole.number]
    assert numbers(api.get("/appeals", q=complaint.number)) == [complaint.number]
    assert numbers(api.get("/appeals", q="067 111 22 33")) == [
        forwarded.number,
        pothole.number,
        complaint.number,
    ]


def test_overdue_due_soon_and_period(api, world):
    received = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    with travel(received):
        late = make(world, received_at=received)  # 15 days: due 2026-01-25
    with travel(datetime(2026, 2, 20, 9, 0, tzinfo=UTC)):
        soon = make(world, category=world["pothole"], kind=Kind.SERVICE_REQUEST)
        world["pothole"].service_level_hours = 24
        world["pothole"].save()
        fresh = make(world, category=world["pothole"], kind=Kind.SERVICE_REQUEST)
        assert numbers(api.get("/appeals", overdue="true")) == [late.number]
        assert numbers(api.get("/appeals", overdue="false")) == [fresh.number, soon.number]
        assert numbers(api.get("/appeals", due_soon="true")) == [fresh.number]
        assert numbers(api.get("/appeals", received_from="2026-02-01T00:00:00+02:00")) == [
            fresh.number,
            soon.number,
        ]
        assert numbers(api.get("/appeals", received_to="2026-02-01T00:00:00+02:00")) == [
            late.number
        ]
        items = api.get("/appeals").json()["items"]
    assert [i["is_overdue"] for i in items] == [False, False, True]


def test_query_count_does_not_grow_with_rows(api, world, django_assert_max_num_queries):
    def count(role: str, rows: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert len(numbers(api.get("/appeals", as_=role))) == rows
        return len(queries)

    def forwarded():
        appeal = make(world)
        appeal_preprocess(actor=world["users"]["operator"], appeal=appeal)
        appeal_forward(actor=world["users"]["operator"], appeal=appeal)  # → vodokanal

    for _ in range(2):
        forwarded()
    for role in ("operator", "executor"):  # the keys' last-used mark is written once a minute
        api.get("/appeals", as_=role)
    few = {role: count(role, 2) for role in ("operator", "executor")}
    for _ in range(10):
        forwarded()
    many = {role: count(role, 12) for role in ("operator", "executor")}
    assert many == few
    # Key lookup, (its last-used mark once a minute), the count, the page; executors one
    # more for whose applicants they may see.
    with django_assert_max_num_queries(4):
        api.get("/appeals", as_="operator")
    with django_assert_max_num_queries(5):
        api.get("/appeals", as_="executor")


def test_applicant_data_by_role(api, world):
    mine = make(world, applicant=applicant_data(name="Петро Іваненко", phone="+380501112233"))
    appeal_preprocess(actor=world["users"]["operator"], appeal=mine)
    appeal_forward(actor=world["users"]["operator"], appeal=mine)  # → vodokanal
    other = make(world, category=world["pothole"])

    def applicants(role):
        items = api.get("/appeals", as_=role).json()["items"]
        return {i["number"]: i["applicant"] and i["applicant"]["name"] for i in items}

    assert applicants("operator") == {
        mine.number: "Петро Іваненко",
        other.number: "Олена Коваленко",
    }
    assert applicants("supervisor") == applicants("administrator") == applicants("operator")
    assert applicants("analyst") == {mine.number: None, other.number: None}
    # An executor sees only what is assigned to its organization, with the applicant.
    assert applicants("executor") == {mine.number: "Петро Іваненко"}
    assert applicants("roads_executor") == {}
    detail = api.get(f"/appeals/{mine.number}", as_="executor").json()
    assert detail["applicant"]["phone"] == "+380501112233"
    assert api.get(f"/appeals/{mine.number}", as_="analyst").json()["applicant"] is None
    assert api.get(f"/appeals/{other.number}", as_="executor").status_code == 404


def test_detail_has_history_and_assignments(api, world):
    appeal = make(world)
    appeal_preprocess(actor=world["users"]["operator"], appeal=appeal)
    appeal_forward(actor=world["users"]["operator"], appeal=appeal, instruction="Терміново")
    body = api.get(f"/appeals/{appeal.number}").json()
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in body["events"]] == [
        ("registered", "", "registered"),
        ("preprocessed", "registered", "preprocessed"),
        ("forwarded", "preprocessed", "forwarded"),
    ]
    assert body["events"][2]["comment"] == "Терміново"
    assert body["events"][2]["data"] == {"organization": "КП «Водоканал»", "co_executors": []}
    assert [(a["organization"]["code"], a["state"]) for a in body["assignments"]] == [
        ("vodokanal", "pending")
    ]
