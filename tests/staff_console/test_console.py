"""The operator console: a phone call registered, linked as a duplicate or answered on the spot."""

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, applicant_data
from tests.staff_console.conftest import database_state
from vikno.appeals.choices import Channel, Kind, Outcome, Status
from vikno.appeals.models import Appeal
from vikno.privacy.models import AccessRecord

URL = "/staff/calls/new"


def call_data(world, **overrides):
    data = {
        "phone": "067 111 22 33",
        "name": "Олена Коваленко",
        "residence": "вул. Соборна, 10, кв. 5",
        "applicant_kind": "citizen",
        "consent": "on",
        "kind": Kind.SERVICE_REQUEST,
        "category": world["no_water"].code,
        "address": "вул. Соборна, 10",
        "text": "Немає холодної води з ранку.",
        "action": "register",
    }
    data.update(overrides)
    return data


@pytest.fixture
def operator_client(client, world):
    client.force_login(world["users"]["operator"])
    return client


def test_url_names_are_the_agreed_ones():
    assert reverse("staff:call_new") == URL
    assert reverse("staff:queues") == "/staff/queues/"


def test_phone_in_the_url_shows_that_callers_history_and_logs_the_access(
    operator_client, world, steps
):
    # Given: two appeals of the caller (one open, one closed) and one of somebody else.
    mine_open = steps.registered()
    mine_closed = steps.closed()
    other = steps.registered(applicant=applicant_data(name="Петро Іваненко", phone="0501234567"))
    records_before = AccessRecord.objects.count()

    # When: the telephony opens the console with the number spelled its own way.
    response = operator_client.get(URL, {"phone": "+38 (067) 111-22-33"})

    # Then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-number="{mine_open.number}"' in html
    assert f'data-number="{mine_closed.number}"' in html
    assert f'data-number="{other.number}"' not in html
    assert 'value="Олена Коваленко"' in html  # the one identity prefills the form
    assert 'name="phone" id="id_phone" value="+380671112233"' in html  # as Vikno stores it
    assert f'href="/staff/appeals/{mine_open.number}/"' in html
    records = list(AccessRecord.objects.order_by("id")[records_before:])
    assert [(r.actor, r.applicant, r.what, r.reason) for r in records] == [
        (world["users"]["operator"], mine_open.applicant, "caller_lookup", "incoming call")
    ]


def test_a_literal_plus_in_the_url_is_read_as_the_same_number(operator_client, steps):
    mine = steps.registered()

    # Telephony often sends "?phone=+380…" unencoded: the "+" arrives as a space.
    response = operator_client.get(f"{URL}?phone=+380671112233")

    assert f'data-number="{mine.number}"' in response.content.decode()


def test_lookup_as_the_number_is_typed(operator_client, steps):
    mine = steps.registered()

    found = operator_client.get(
        "/staff/calls/lookup", {"phone": "0671112233"}, HTTP_HX_REQUEST="true"
    )
    unknown = operator_client.get("/staff/calls/lookup", {"phone": "0990000000"})
    short = operator_client.get("/staff/calls/lookup", {"phone": "067"})

    assert f'data-number="{mine.number}"' in found.content.decode()
    assert 'data-caller="new"' in unknown.content.decode()
    assert "data-number" not in short.content.decode()
    assert AccessRecord.objects.filter(what="caller_lookup").count() == 1


def test_no_phone_no_history_and_no_access_record(operator_client):
    response = operator_client.get(URL)

    assert response.status_code == 200
    assert "data-applicant" not in response.content.decode()
    assert AccessRecord.objects.count() == 0


@pytest.mark.parametrize("typed", ["підʼїзд", "під'їзд", "ПІД’ЇЗД", "Ремонт під`їзду"])
def test_category_search_ignores_case_and_apostrophe_spelling(operator_client, world, typed):
    branch = CategoryFactory(code="building", name="Житловий будинок")
    CategoryFactory(code="entrance", name="Ремонт підʼїзду", parent=branch)  # U+02BC

    response = operator_client.get("/staff/calls/categories", {"category_q": typed})

    html = response.content.decode()
    assert 'value="entrance"' in html
    assert "Житловий будинок" in html  # the branch path
    assert 'value="building"' not in html  # a branch is never offered, only leaves


def test_category_search_keeps_the_chosen_one_and_offers_leaves_only(operator_client, world):
    response = operator_client.get(
        "/staff/calls/categories", {"category_q": "вод", "category": "pothole"}
    )

    html = response.content.decode()
    values = [v for v in ("no-cold-water", "pothole", "water", "housing") if f'value="{v}"' in html]
    assert values == ["no-cold-water", "pothole"]
    assert 'value="pothole" id="cat-pothole" checked' in html


def test_registering_a_call_makes_one_phone_appeal_and_a_fresh_console(operator_client, world):
    response = operator_client.post(URL, call_data(world))

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?done={appeal.number}"
    assert (appeal.channel, appeal.kind, appeal.category, appeal.status) == (
        Channel.PHONE,
        Kind.SERVICE_REQUEST,
        world["no_water"],
        Status.REGISTERED,
    )
    assert (appeal.applicant.phone, appeal.applicant.name, appeal.address) == (
        "+380671112233",
        "Олена Коваленко",
        "вул. Соборна, 10",
    )
    assert appeal.created_by == world["users"]["operator"]

    page = operator_client.get(response["Location"]).content.decode()
    assert f'data-done="{appeal.number}"' in page
    assert 'name="phone" id="id_phone" value="" ' in page  # a fresh form for the next call


def test_duplicates_are_offered_for_the_same_address_and_category(operator_client, world, steps):
    parent = steps.registered(address="вулиця Соборна, буд. 10")
    steps.registered(address="вул. Соборна, 12")  # another house
    steps.registered(address="вул. Соборна, 10", category=world["pothole"])  # another matter
    steps.closed(address="вул. Соборна, 10")  # decided already

    response = operator_client.get(
        "/staff/calls/duplicates", {"category": "no-cold-water", "address": "вул.Соборна,10"}
    )

    html = response.content.decode()
    assert [parent.number] == [
        n for n in Appeal.objects.values_list("number", flat=True) if f'value="{n}"' in html
    ]


def test_link_as_duplicate_registers_and_merges_into_the_chosen_parent(
    operator_client, world, steps
):
    parent = steps.registered(address="вул. Соборна, 10")

    response = operator_client.post(URL, call_data(world, merge_into=parent.number))

    assert response.status_code == 302
    new = Appeal.objects.exclude(pk=parent.pk).get()
    assert (new.status, new.outcome, new.parent_id, new.channel) == (
        Status.MERGED,
        Outcome.MERGED,
        parent.pk,
        Channel.PHONE,
    )
    assert Appeal.objects.get(pk=parent.pk).status == Status.REGISTERED


def test_answered_on_the_spot_closes_the_consultation(operator_client, world):
    response = operator_client.post(
        URL,
        call_data(world, action="on_spot", kind=Kind.APPLICATION, answer="Воду дадуть о 18:00."),
    )

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.status, appeal.outcome, appeal.answer, appeal.channel) == (
        Status.CLOSED,
        Outcome.CONSULTED,
        "Воду дадуть о 18:00.",
        Channel.PHONE,
    )
    assert list(appeal.events.values_list("kind", flat=True)) == ["registered", "answered_on_spot"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "  "}, "text"),
        ({"category": ""}, "category"),
        ({"category": "no-such"}, "category"),
        ({"category": "housing"}, "category"),  # a branch, not a leaf: refused by the service
        ({"kind": "petition"}, "kind"),
        ({"action": "on_spot", "answer": ""}, "answer"),
    ],
)
def test_validation_errors_change_nothing(operator_client, world, overrides, field):
    before = database_state()

    response = operator_client.post(URL, call_data(world, **overrides))

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert database_state() == before


@pytest.mark.parametrize("parent_step", ["closed", "unknown"])
def test_a_refused_merge_leaves_no_appeal_behind(operator_client, world, steps, parent_step):
    number = steps.closed().number if parent_step == "closed" else "2026-999999"
    before = database_state()

    response = operator_client.post(URL, call_data(world, merge_into=number))

    assert response.status_code == 422
    assert database_state() == before


@pytest.mark.parametrize("role", ["executor", "analyst"])
def test_console_is_for_the_front_office_only(client, world, role):
    client.force_login(world["users"][role])
    before = database_state()

    assert client.get(URL).status_code == 403
    assert client.get("/staff/calls/lookup", {"phone": "0671112233"}).status_code == 403
    assert client.post(URL, call_data(world)).status_code == 403
    assert database_state() == before
    assert AccessRecord.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('staff_login')}?next={URL}"
