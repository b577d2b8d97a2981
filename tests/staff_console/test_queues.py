"""Queues: which appeals each holds, the counts, who sees what, and bulk forwarding."""

from datetime import timedelta

import pytest

from tests.factories import UserFactory, applicant_data
from tests.staff_console.conftest import numbers_in
from vikno.accounts.models import Role
from vikno.appeals.choices import Channel, Kind, Status
from vikno.appeals.models import Appeal, AppealEvent, Assignment
from vikno.core.clock import now, travel
from vikno.core.paging import CappedCount
from vikno.staff.queues.counts import queue_counts


@pytest.fixture
def board(world, steps):
    """One appeal in each place a queue looks at, and some in none of them."""
    with travel(now() - timedelta(hours=30)):
        overdue = steps.registered(kind=Kind.SERVICE_REQUEST)  # 24-hour service level
    return {
        "registered": steps.registered(),
        "preprocessed": steps.preprocessed(),
        "forwarded": steps.forwarded(category=world["pothole"]),
        "returned": steps.returned(),
        "executed": steps.executed(),
        "closed": steps.closed(),
        "overdue": overdue,
        "due_soon": steps.received_hours_ago(20, kind=Kind.SERVICE_REQUEST),
    }


EXPECTED = {
    "preprocess": ["registered", "overdue", "due_soon"],
    "returned": ["returned"],
    "verification": ["executed"],
    "due-soon": ["due_soon"],
    "overdue": ["overdue"],
    "open": [
        "registered",
        "preprocessed",
        "forwarded",
        "returned",
        "executed",
        "overdue",
        "due_soon",
    ],
}


def listed(client, slug, **params):
    response = client.get(f"/staff/queues/{slug}/", params)
    assert response.status_code == 200
    return numbers_in(response.content.decode())


def names(board, numbers):
    by_number = {appeal.number: key for key, appeal in board.items()}
    return sorted(by_number[n] for n in numbers)


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_each_queue_lists_exactly_its_appeals(client, world, board, slug):
    client.force_login(world["users"]["operator"])

    assert names(board, listed(client, slug)) == sorted(EXPECTED[slug])


def test_queues_root_is_the_preprocessing_queue(client, world, board):
    client.force_login(world["users"]["operator"])

    response = client.get("/staff/queues/")

    assert names(board, numbers_in(response.content.decode())) == sorted(EXPECTED["preprocess"])


def test_counts_are_exact_in_the_tabs_and_the_menu(client, world, board):
    operator = world["users"]["operator"]
    client.force_login(operator)

    counts = queue_counts(operator)
    html = client.get("/staff/queues/open/").content.decode()

    assert counts == {slug: CappedCount(len(keys)) for slug, keys in EXPECTED.items()}
    for slug, count in counts.items():
        assert f'<span class="badge" data-count="{slug}">{count}</span>' in html
    assert '<span class="badge">3</span>' in html  # the menu's "Queues" badge: to pre-process


def test_executors_have_no_queues(client, world, board):
    client.force_login(world["users"]["executor"])

    assert client.get("/staff/queues/").status_code == 403
    assert client.get("/staff/queues/open/").status_code == 403
    assert queue_counts(world["users"]["executor"]) is None


def test_a_supervisor_bound_to_an_organization_sees_its_subtree_only(client, world, board):
    head = UserFactory(username="water_head", role=Role.SUPERVISOR, organization=world["water"])
    client.force_login(head)

    assert names(board, listed(client, "open")) == ["executed", "returned"]
    assert queue_counts(head) == {
        "preprocess": CappedCount(0),
        "returned": CappedCount(1),
        "verification": CappedCount(1),
        "due-soon": CappedCount(0),
        "overdue": CappedCount(0),
        "open": CappedCount(2),
    }


def test_analysts_see_the_lists_without_names_or_phones(client, world, board):
    client.force_login(world["users"]["analyst"])

    response = client.get("/staff/queues/open/")
    by_phone = client.get("/staff/queues/open/", {"q": "067 111 22 33"})

    html = response.content.decode()
    assert names(board, numbers_in(html)) == sorted(EXPECTED["open"])
    assert "Коваленко" not in html
    assert "+380671112233" not in html
    assert 'type="checkbox"' not in html  # analysts cannot forward
    assert numbers_in(by_phone.content.decode()) == []
    assert by_phone.context["notice"] != ""


def test_operators_find_by_phone_number_text_and_address(client, world, board, steps):
    other = steps.registered(
        applicant=applicant_data(name="Петро Іваненко", phone="0501234567"),
        address="просп. Миру, 3",
        text="Прорвало трубу біля школи.",
    )
    client.force_login(world["users"]["operator"])

    assert listed(client, "open", q="050 123 45 67") == [other.number]
    assert listed(client, "open", q=other.number) == [other.number]
    assert listed(client, "open", q="проспект Миру 3") == [other.number]
    assert listed(client, "open", q="трубу") == [other.number]
    html = client.get("/staff/queues/open/", {"q": "трубу"}).content.decode()
    assert "Петро Іваненко" in html and "+380501234567" in html


def test_filters_and_sorting(client, world, board, steps):
    web = steps.registered(channel=Channel.WEB, kind=Kind.PROPOSAL)
    client.force_login(world["users"]["operator"])
    by_due = sorted(
        (a for a in Appeal.objects.open()), key=lambda a: (a.due_at, a.pk)
    )  # every open one

    assert listed(client, "open", channel="web") == [web.number]
    assert listed(client, "open", kind="proposal") == [web.number]
    assert names(board, listed(client, "open", category="pothole")) == ["forwarded"]
    assert names(board, listed(client, "open", organization="roads")) == ["forwarded"]
    assert listed(client, "open", sort="due") == [a.number for a in by_due]
    assert listed(client, "open", sort="-due") == [a.number for a in reversed(by_due)]
    received = listed(client, "open", sort="received")
    assert received[0] == board["overdue"].number
    assert listed(client, "open", sort="-received")[0] == web.number
    # Priority first: the privileged applicant's appeal leads.
    privileged = steps.registered(applicant=applicant_data(is_privileged=True, phone="0939999999"))
    assert listed(client, "open", sort="priority")[0] == privileged.number
    # Anything unknown in the query is ignored rather than an error page.
    assert len(listed(client, "open", sort="bogus", category="nope")) == 9


def test_urgency_colour_and_flags(client, world, board):
    client.force_login(world["users"]["operator"])

    html = client.get("/staff/queues/open/").content.decode()

    assert f'<tr data-number="{board["overdue"].number}" class="urgency--overdue">' in html
    assert f'<tr data-number="{board["due_soon"].number}" class="urgency--due-soon">' in html
    assert f'<tr data-number="{board["registered"].number}" class="urgency--ok">' in html


def test_pagination_keeps_the_filters(client, world, steps):
    for _ in range(27):
        steps.registered(kind=Kind.COMPLAINT)
    client.force_login(world["users"]["operator"])

    first = client.get("/staff/queues/preprocess/", {"kind": "complaint"})
    second = client.get("/staff/queues/preprocess/", {"kind": "complaint", "page": 2})

    assert len(numbers_in(first.content.decode())) == 25
    assert len(numbers_in(second.content.decode())) == 2
    assert "kind=complaint&amp;page=2" in first.content.decode()


def test_bulk_forward_reports_each_appeal_and_one_refusal_does_not_stop_the_others(
    client, world, steps
):
    first = steps.preprocessed(category=world["pothole"])
    not_ready = steps.registered()  # not pre-processed yet: the service refuses
    second = steps.preprocessed()
    client.force_login(world["users"]["operator"])
    untouched = list(Assignment.objects.filter(appeal=not_ready).values())
    events = AppealEvent.objects.filter(appeal=not_ready).count()

    response = client.post(
        "/staff/queues/open/forward/",
        {"appeal": [first.number, not_ready.number, second.number], "organization": "roads"},
    )

    assert response.status_code == 200
    results = {r.number: (r.ok, r.message != "") for r in response.context["results"]}
    assert results == {
        first.number: (True, True),
        not_ready.number: (False, True),
        second.number: (True, True),
    }
    statuses = dict(Appeal.objects.values_list("number", "status"))
    assert statuses[first.number] == statuses[second.number] == Status.FORWARDED
    assert Appeal.objects.get(pk=second.pk).executor == world["roads"]
    assert statuses[not_ready.number] == Status.REGISTERED
    assert list(Assignment.objects.filter(appeal=not_ready).values()) == untouched
    assert AppealEvent.objects.filter(appeal=not_ready).count() == events


def test_bulk_forward_by_the_routing_rules(client, world, steps):
    routed = steps.preprocessed()  # water: a routing rule sends it to Водоканал
    client.force_login(world["users"]["operator"])

    response = client.post(
        "/staff/queues/open/forward/", {"appeal": [routed.number], "organization": "routing"}
    )

    assert [r.ok for r in response.context["results"]] == [True]
    assert Appeal.objects.get(pk=routed.pk).executor == world["water"]


def test_bulk_forward_without_a_choice_changes_nothing(client, world, steps):
    appeal = steps.preprocessed()
    client.force_login(world["users"]["operator"])

    nothing = client.post("/staff/queues/open/forward/", {"organization": "roads"})
    nowhere = client.post("/staff/queues/open/forward/", {"appeal": [appeal.number]})

    assert nothing.status_code == nowhere.status_code == 422
    assert Appeal.objects.get(pk=appeal.pk).status == Status.PREPROCESSED


def test_analysts_cannot_forward(client, world, steps):
    appeal = steps.preprocessed()
    client.force_login(world["users"]["analyst"])

    response = client.post(
        "/staff/queues/open/forward/", {"appeal": [appeal.number], "organization": "roads"}
    )

    assert response.status_code == 403
    assert Appeal.objects.get(pk=appeal.pk).status == Status.PREPROCESSED


def test_column_headers_sort_and_turn_the_order_round(client, world, board):
    client.force_login(world["users"]["operator"])

    by_due = client.get("/staff/queues/open/", {"sort": "due", "kind": "complaint"})

    html = by_due.content.decode()
    assert 'aria-sort="ascending"><a href="?kind=complaint&amp;sort=-due"' in html
    assert 'aria-sort="none"><a href="?kind=complaint&amp;sort=-received"' in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("operator", True),
        ("supervisor", True),
        ("administrator", True),
        ("executor", True),
        ("analyst", False),
    ],
)
def test_which_roles_see_personal_data_at_all(world, role, expected):
    from vikno.appeals.permissions import sees_personal_data

    assert sees_personal_data(world["users"][role]) is expected


def test_over_the_cap_the_tabs_say_more_than_and_the_pages_go_on(client, world, board, settings):
    settings.VIKNO_COUNT_CAP = 2
    client.force_login(world["users"]["operator"])

    response = client.get("/staff/queues/open/")
    html = response.content.decode()

    # 7 open appeals, 3 to pre-process, 1 returned: counted up to 2.
    assert '<span class="badge" data-count="open" title="понад 2">2+</span>' in html
    assert '<span class="badge" data-count="preprocess" title="понад 2">2+</span>' in html
    assert '<span class="badge" data-count="returned">1</span>' in html
    assert "Понад 2 звернень" in html
    assert response.context["page"].count == CappedCount(2, more=True)
    assert len(response.context["rows"]) == 7  # one page of 25: the page is not capped
    assert 'rel="next"' not in html


def test_past_the_cap_a_page_shows_its_number_without_a_total(
    client, world, board, settings, monkeypatch
):
    settings.VIKNO_COUNT_CAP = 2
    monkeypatch.setattr("vikno.staff.queues.views.PAGE_SIZE", 3)
    client.force_login(world["users"]["operator"])

    seen = []
    for number in (1, 2, 3):
        response = client.get("/staff/queues/open/", {"page": number})
        html = response.content.decode()
        seen += numbers_in(html)
        assert f"Сторінка {number}<" in html
        assert ('rel="next"' in html) == (number < 3)
        assert ('rel="prev"' in html) == (number > 1)
    assert names(board, seen) == sorted(EXPECTED["open"])
