"""The Open311 GeoReport v2 endpoint: every resource in JSON and XML, checked against the
published schemas (/work/shared/open311 copied in tests/open311/schemas), and its refusals."""

import json
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from tests.factories import register_appeal
from vikno.accounts.models import ApiKeyScope
from vikno.accounts.services import apikey_create
from vikno.appeals.choices import Channel, Kind, Status
from vikno.appeals.models import Appeal, Applicant
from vikno.core.clock import now, travel

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _schema(name: str) -> Draft4Validator:
    resources = [
        (path.name, DRAFT4.create_resource(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    contents = json.loads((SCHEMAS / name).read_text())
    return Draft4Validator(
        contents, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def swagger_valid(response, definition: str):
    """Answers that the JSON schemas do not cover: the swagger's definitions."""
    swagger = json.loads((SCHEMAS / "swagger.json").read_text())
    schema = {
        "definitions": swagger["definitions"],
        "type": "array",
        "minItems": 1,
        "items": {"$ref": f"#/definitions/{definition}"},
    }
    data = response.json()
    assert list(Draft4Validator(schema).iter_errors(data)) == []
    return data


def in_site_language(message: str) -> str:
    """What the endpoint answers: the site's language (the catalog may translate msgids)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def valid_json(response, schema: str):
    assert response["Content-Type"] == "application/json"
    data = response.json()
    errors = list(_schema(schema).iter_errors(data))
    assert errors == []
    return data


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


@pytest.fixture
def key(world):
    return apikey_create(name="open311", user=world["users"]["operator"])[1]


@pytest.fixture
def appeal(world):
    a = register_appeal(
        actor=world["users"]["operator"],
        category=world["no_water"],
        kind=Kind.SERVICE_REQUEST,
        channel=Channel.OPEN311,
        address="вул. Соборна, 10",
    )
    return a


def test_discovery_both_formats(client, world):
    data = client.get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]


def test_services_lists_leaf_categories(client, world):
    data = valid_json(client.get(f"{BASE}/services.json"), "services.json")
    by_code = {s["service_code"]: s for s in data}
    assert set(by_code) == {"no-cold-water", "pothole"}
    assert by_code["no-cold-water"] == {
        "service_code": "no-cold-water",
        "service_name": "Відсутність холодної води",
        "description": None,
        "metadata": False,
        "type": "realtime",
        "keywords": "water",
        "group": "Водопостачання",
    }
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert sorted(s.findtext("service_code") for s in services) == ["no-cold-water", "pothole"]
    water = next(s for s in services if s.findtext("service_code") == "no-cold-water")
    assert [c.tag for c in water] == list(by_code["no-cold-water"])
    assert water.findtext("metadata") == "false"
    assert water.findtext("group") == "Водопостачання"


def test_service_definition(client, world):
    data = valid_json(client.get(f"{BASE}/services/pothole.json"), "service-definition.json")
    assert data == {"service_code": "pothole", "attributes": []}
    root = xml_of(client.get(f"{BASE}/services/pothole.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "pothole"
    assert root.find("attributes") is not None
    assert list(root.find("attributes")) == []


@pytest.mark.parametrize("path", ["services/water", "services/nope", "requests/2026-999999"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_things_are_404(client, world, path, fmt):
    response = client.get(f"{BASE}/{path}.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        body = response.json()
        assert len(body) == 1 and body[0]["code"] == 404
    else:
        root = xml_of(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert root.findtext("error/description")


def test_unknown_jurisdiction_is_404(client, world):
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "elsewhere"})
    assert response.status_code == 404
    message = in_site_language("Unknown jurisdiction_id: %s") % "elsewhere"
    assert response.json() == [{"code": 404, "description": message}]
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "vikno.demo"}).status_code == 200


def test_request_detail_has_no_personal_data(client, world, appeal):
    appeal.answer = "Воду відновлено."
    appeal.executor = world["water"]
    appeal.latitude, appeal.longitude = 49.5, 30.25
    appeal.save()
    data = valid_json(client.get(f"{BASE}/requests/{appeal.number}.json"), "requests.json")
    doc = data[0]
    assert list(doc) == REQUEST_FIELDS
    assert doc["service_request_id"] == appeal.number
    assert doc["status"] == "open"
    assert doc["status_notes"] == "Воду відновлено."
    assert doc["agency_responsible"] == "КП «Водоканал»"
    assert doc["service_code"] == "no-cold-water"
    assert doc["address"] == "вул. Соборна, 10"
    assert (doc["lat"], doc["long"]) == (49.5, 30.25)
    kyiv = ZoneInfo("Europe/Kyiv")
    assert doc["expected_datetime"] == appeal.due_at.astimezone(kyiv).isoformat(timespec="seconds")
    assert doc["requested_datetime"] == appeal.received_at.astimezone(kyiv).isoformat(
        timespec="seconds"
    )
    assert doc["requested_datetime"][-6] in "+-"
    raw = client.get(f"{BASE}/requests/{appeal.number}.xml").content.decode()
    for private in ("Олена", "Коваленко", "+380671112233", "olena@example.org", "Соборна, 10, кв"):
        assert private not in json.dumps(data, ensure_ascii=False)
        assert private not in raw
    root = ET.fromstring(raw.encode())  # noqa: S314 (our own answer)
    assert root.tag == "service_requests"
    (req,) = root.findall("request")
    assert [c.tag for c in req] == REQUEST_FIELDS
    assert req.findtext("service_request_id") == appeal.number
    assert req.findtext("status") == "open"
    assert req.findtext("lat") == "49.5"


def test_request_list_filters(client, world, appeal):
    operator = world["users"]["operator"]
    other = register_appeal(actor=operator, category=world["pothole"], kind=Kind.SERVICE_REQUEST)
    Appeal.objects.filter(pk=other.pk).update(status=Status.CLOSED, closed_at=now())

    def numbers(**params):
        data = valid_json(client.get(f"{BASE}/requests.json", params), "requests.json")
        return sorted(d["service_request_id"] for d in data)

    assert numbers() == sorted([appeal.number, other.number])
    assert numbers(status="open") == [appeal.number]
    assert numbers(status="closed") == [other.number]
    assert numbers(service_code="pothole") == [other.number]
    assert numbers(service_request_id=f"{appeal.number},{other.number}") == sorted(
        [appeal.number, other.number]
    )
    later = (now() + timedelta(days=1)).isoformat()
    assert numbers(start_date=later) == []
    root = xml_of(client.get(f"{BASE}/requests.xml", {"status": "closed"}))
    assert [r.findtext("status") for r in root.findall("request")] == ["closed"]


def test_request_list_default_window_is_90_days(client, world, appeal):
    with travel(now() + timedelta(days=91)):
        data = client.get(f"{BASE}/requests.json").json()
        assert data == []
        start = (now() - timedelta(days=100)).isoformat()
        assert len(client.get(f"{BASE}/requests.json", {"start_date": start}).json()) == 1


def test_request_list_queries_are_bounded(client, world, django_assert_max_num_queries):
    operator = world["users"]["operator"]
    for _ in range(5):
        register_appeal(actor=operator, category=world["pothole"], kind=Kind.SERVICE_REQUEST)
    with django_assert_max_num_queries(2):
        assert len(client.get(f"{BASE}/requests.json").json()) == 5


def test_bad_dates_and_status_are_400(client, world):
    response = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert client.get(f"{BASE}/requests.json", {"status": "pending"}).status_code == 400


def _post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def post_body(key, **overrides):
    body = {
        "api_key": key,
        "jurisdiction_id": "vikno.demo",
        "service_code": "pothole",
        "lat": "49.4444",
        "long": "32.0598",
        "description": "Глибока яма біля зупинки.",
        "email": "ivan@example.org",
        "first_name": "Іван",
        "last_name": "Петренко",
        "phone": "+380501234567",
        "account_id": "acc-7",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_registers_one_open311_appeal(client, world, key, fmt):
    response = _post(client, fmt, **post_body(key))
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.OPEN311
    assert appeal.kind == Kind.SERVICE_REQUEST
    assert appeal.category == world["pothole"]
    assert appeal.text == "Глибока яма біля зупинки."
    assert str(appeal.latitude) == "49.444400"
    assert appeal.created_by == world["users"]["operator"]
    assert appeal.applicant.name == "Іван Петренко"
    assert appeal.applicant.email == "ivan@example.org"
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        (doc,) = swagger_valid(response, "RequestResponse")
        expected = in_site_language("Expected by %s") % appeal.due_at.astimezone(
            ZoneInfo("Europe/Kyiv")
        ).isoformat(timespec="seconds")
        assert doc == {
            "service_request_id": appeal.number,
            "service_notice": expected,
            "account_id": "acc-7",
        }
    else:
        root = xml_of(response)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == appeal.number
        assert root.findtext("request/account_id") == "acc-7"
    detail = client.get(f"{BASE}/requests/{appeal.number}.json")
    valid_json(detail, "requests.json")


def test_post_with_address_only_and_media_url(client, world, key):
    body = post_body(key, lat=None, long=None, address_string="вул. Шевченка, 1")
    body["media_url"] = "https://example.org/p.jpg"
    assert _post(client, **body).status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.address == "вул. Шевченка, 1"
    assert appeal.latitude is None
    assert appeal.text == "Глибока яма біля зупинки.\n\nhttps://example.org/p.jpg"


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"service_code": ""}, 400, "service_code is required."),
        ({"lat": None, "long": None}, 400, "Give lat and long, address_string or address_id."),
        ({"lat": "north"}, 400, ("%s must be a number.", "lat")),
        ({"lat": "NaN"}, 400, ("%s must be a number.", "lat")),
        ({"long": "181"}, 400, ("%(name)s must be between -%(limit)s and %(limit)s.", None)),
        ({"description": ""}, 400, "The appeal was not registered: check the marked fields."),
        ({"service_code": "water"}, 404, ("Unknown service_code: %s", "water")),
        ({"jurisdiction_id": "kyiv"}, 404, ("Unknown jurisdiction_id: %s", "kyiv")),
        ({"api_key": "vk_nope_nope"}, 403, "Invalid or missing api_key."),
        ({"api_key": None}, 403, "Invalid or missing api_key."),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_refusals_register_nothing(client, world, key, overrides, status, message, fmt):
    response = _post(client, fmt, **post_body(key, **overrides))
    assert response.status_code == status
    if isinstance(message, tuple) and message[1] is None:
        message = in_site_language(message[0]) % {"name": "long", "limit": 180}
    elif isinstance(message, tuple):
        message = in_site_language(message[0]) % message[1]
    else:
        message = in_site_language(message)
    if fmt == "json":
        assert response.json()[0] == {"code": status, "description": message}
    else:
        root = xml_of(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == str(status)
        assert root.findtext("error/description") == message
    assert Appeal.objects.count() == 0
    assert Applicant.objects.count() == 0


def test_post_with_read_only_key_is_403(client, world):
    plain = apikey_create(name="ro", user=world["users"]["operator"], scopes=[ApiKeyScope.READ])[1]
    response = _post(client, **post_body(plain))
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


def test_post_needs_no_csrf_token(world, key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{BASE}/requests.json", post_body(key)).status_code == 200
    assert Appeal.objects.count() == 1


def test_token_answers_the_request_id(client, world, appeal):
    data = swagger_valid(client.get(f"{BASE}/tokens/{appeal.number}.json"), "TokenResponse")
    assert data == [{"service_request_id": appeal.number, "token": appeal.number}]
    root = xml_of(client.get(f"{BASE}/tokens/{appeal.number}.xml"))
    assert root.findtext("request/service_request_id") == appeal.number
    assert client.get(f"{BASE}/tokens/2026-999999.json").status_code == 404


def test_service_request_updates(client, world, appeal):
    data = client.get(f"{BASE}/servicerequestupdates.json").json()
    (event,) = appeal.events.filter(kind="registered")
    assert data == [
        {
            "update_id": str(event.pk),
            "service_request_id": appeal.number,
            "status": "open",
            "updated_datetime": event.created_at.astimezone(ZoneInfo("Europe/Kyiv")).isoformat(
                timespec="seconds"
            ),
            "description": in_site_language("registered"),
            "media_url": None,
        }
    ]
    root = xml_of(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    (update,) = root.findall("request_update")
    assert update.findtext("service_request_id") == appeal.number
    assert update.findtext("status") == "open"
    later = (now() + timedelta(hours=1)).isoformat()
    assert client.get(f"{BASE}/servicerequestupdates.json", {"start_date": later}).json() == []


def test_post_without_account_id_answers_without_it(client, world, key):
    response = _post(client, **post_body(key, account_id=None))
    (doc,) = swagger_valid(response, "RequestResponse")
    assert set(doc) == {"service_request_id", "service_notice"}
    assert doc["service_request_id"] == Appeal.objects.get().number


def test_updates_queries_are_bounded(client, world, django_assert_max_num_queries):
    operator = world["users"]["operator"]
    for _ in range(5):
        register_appeal(actor=operator, category=world["pothole"], kind=Kind.SERVICE_REQUEST)
    with django_assert_max_num_queries(2):
        assert len(client.get(f"{BASE}/servicerequestupdates.json").json()) == 5


def test_only_city_service_requests_are_public(client, world, appeal):
    """A complaint is the applicant's own correspondence: never listed, shown or updated."""
    complaint = register_appeal(actor=world["users"]["operator"], category=world["pothole"])
    numbers = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert numbers == [appeal.number]
    assert client.get(f"{BASE}/requests/{complaint.number}.json").status_code == 404
    updates = client.get(f"{BASE}/servicerequestupdates.json").json()
    assert {u["service_request_id"] for u in updates} == {appeal.number}
