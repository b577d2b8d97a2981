"""Who may call the API: keys (Bearer or X-API-Key) with scopes, or a staff session."""

import json

from django.test import Client

from tests.api.conftest import appeal_body, assert_error
from tests.factories import UserFactory
from vikno.accounts.services import apikey_create, apikey_revoke
from vikno.appeals.models import Appeal


def test_without_credentials_every_endpoint_is_401(api, world):
    for path in (
        "/appeals",
        "/appeals/2026-0000001",
        "/categories",
        "/organizations",
        "/territories",
    ):
        response = api.get(path, as_=None)
        assert_error(response, 401, "unauthorized", set())
        assert response["WWW-Authenticate"] == 'Bearer realm="vikno"'
    assert_error(api.post("/appeals", appeal_body(), as_=None), 401, "unauthorized")
    assert Appeal.objects.count() == 0


def test_bearer_and_x_api_key_both_work(api):
    assert api.get("/appeals").status_code == 200
    response = api.get("/appeals", as_=None, headers={"X-API-Key": api.keys["operator"]})
    assert response.status_code == 200


def test_wrong_or_malformed_key_is_401(api):
    assert_error(
        api.get("/appeals", as_=None, headers={"Authorization": "Bearer vk_nope_nope"}),
        401,
        "unauthorized",
    )
    assert_error(
        api.get("/appeals", as_=None, headers={"X-API-Key": "garbage"}), 401, "unauthorized"
    )
    real = api.keys["operator"]
    assert_error(
        api.get("/appeals", as_=None, headers={"X-API-Key": real[:-2] + "xx"}), 401, "unauthorized"
    )


def test_revoked_key_is_refused(api):
    apikey_revoke(name="key-operator")
    assert_error(api.get("/appeals"), 401, "unauthorized")
    assert_error(api.post("/appeals", appeal_body()), 401, "unauthorized")
    assert Appeal.objects.count() == 0


def test_read_only_key_reads_but_cannot_write(api):
    assert api.get("/appeals", as_="operator_read_only").status_code == 200
    assert_error(
        api.post("/appeals", appeal_body(), as_="operator_read_only"), 403, "insufficient_scope"
    )
    assert Appeal.objects.count() == 0


def test_write_only_key_cannot_read(api, world):
    _, plain = apikey_create(name="writer", user=world["users"]["operator"], scopes=["write"])
    assert_error(
        api.get("/appeals", as_=None, headers={"Authorization": f"Bearer {plain}"}),
        403,
        "insufficient_scope",
    )


def test_key_acts_as_its_user(api, world):
    response = api.post("/appeals", appeal_body(), as_="supervisor")
    assert response.status_code == 201
    assert Appeal.objects.get().created_by == world["users"]["supervisor"]
    assert response.json()["events"][0]["actor"] == "supervisor"


def test_session_reads_and_writes_with_csrf(world, client):
    client.force_login(world["users"]["operator"])
    assert client.get("/api/v1/appeals").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["users"]["operator"])
    body = json.dumps(appeal_body())
    assert_error(
        strict.post("/api/v1/appeals", body, content_type="application/json"), 403, "csrf_failed"
    )
    assert Appeal.objects.count() == 0
    strict.get("/api/v1/docs")  # sets the CSRF cookie, as the staff pages do
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        "/api/v1/appeals", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201, response.content
    assert Appeal.objects.get().created_by == world["users"]["operator"]


def test_session_user_without_role_cannot_list(world, client):
    client.force_login(UserFactory(username="nobody", role=""))
    assert_error(client.get("/api/v1/appeals"), 403, "forbidden")


def test_demo_key_refused_when_debug_is_off(api, world):
    _, plain = apikey_create(name="demo", role="operator", is_demo=True)
    assert_error(
        api.get("/appeals", as_=None, headers={"Authorization": f"Bearer {plain}"}),
        401,
        "unauthorized",
    )
