"""Fixtures for the API tests: a key per role and a small client that speaks JSON."""

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from vikno.accounts.models import ApiKeyScope
from vikno.accounts.services import apikey_create

ROLES = ("operator", "supervisor", "analyst", "administrator", "executor", "roads_executor")


@dataclass
class Api:
    """Calls /api/v1/ as the user behind `keys[as_]`."""

    client: Client
    keys: dict[str, str] = field(default_factory=dict)

    def _auth(self, as_: str | None, headers: dict | None) -> dict:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if as_ is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.keys[as_]}"
        return extra

    def get(
        self, path: str, *, as_: str | None = "operator", headers: dict | None = None, **params
    ):
        return self.client.get(f"/api/v1{path}", params, **self._auth(as_, headers))

    def post(
        self, path: str, data=None, *, as_: str | None = "operator", headers: dict | None = None
    ):
        body = "" if data is None else json.dumps(data)
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self._auth(as_, headers)
        )

    def post_files(self, path: str, data: dict, *, as_: str | None = "operator"):
        return self.client.post(f"/api/v1{path}", data, **self._auth(as_, None))


@pytest.fixture
def api(world, client):
    keys = {role: apikey_create(name=f"key-{role}", user=world["users"][role])[1] for role in ROLES}
    keys["operator_read_only"] = apikey_create(
        name="key-operator-ro", user=world["users"]["operator"], scopes=[ApiKeyScope.READ]
    )[1]
    return Api(client=client, keys=keys)


def appeal_body(**overrides) -> dict:
    """The registration body that outside tools send (see issue 2, "Interfaces")."""
    body = {
        "kind": "complaint",
        "channel": "phone",
        "category": "no-cold-water",
        "text": "Третій день немає холодної води в будинку.",
        "address": "вул. Соборна, 10",
        "applicant": {
            "kind": "citizen",
            "name": "Олена Коваленко",
            "phone": "+380671112233",
            "email": "olena@example.org",
            "address": "м. Вікно, вул. Соборна, 10, кв. 5",
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def register(api):
    """Register an appeal through the API and return its number."""

    def _register(**overrides) -> str:
        response = api.post("/appeals", appeal_body(**overrides))
        assert response.status_code == 201, response.content
        return response.json()["number"]

    return _register


@pytest.fixture
def walk(api, register):
    """Take a fresh appeal up to a status through the API; return its number."""
    steps = {
        "registered": [],
        "preprocessed": [("/preprocess", {}, "operator")],
        "forwarded": [("/preprocess", {}, "operator"), ("/forward", {}, "operator")],
        "accepted": [
            ("/preprocess", {}, "operator"),
            ("/forward", {}, "operator"),
            ("/accept", {}, "executor"),
        ],
        "in_work": [
            ("/preprocess", {}, "operator"),
            ("/forward", {}, "operator"),
            ("/accept", {}, "executor"),
            ("/start-work", {}, "executor"),
        ],
        "executed": [
            ("/preprocess", {}, "operator"),
            ("/forward", {}, "operator"),
            ("/accept", {}, "executor"),
            ("/start-work", {}, "executor"),
            ("/report", {"report": "Аварію усунуто, воду подано."}, "executor"),
        ],
        "closed": [
            ("/preprocess", {}, "operator"),
            ("/forward", {}, "operator"),
            ("/accept", {}, "executor"),
            ("/start-work", {}, "executor"),
            ("/report", {"report": "Аварію усунуто, воду подано."}, "executor"),
            ("/verify", {"confirmed": True}, "operator"),
        ],
    }

    def _walk(status: str, **overrides) -> str:
        number = register(**overrides)
        for suffix, body, role in steps[status]:
            response = api.post(f"/appeals/{number}{suffix}", body, as_=role)
            assert response.status_code == 200, (suffix, response.content)
        return number

    return _walk


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    """The one error shape: exactly code, message and fields, with this status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"] != ""
    assert isinstance(body["fields"], dict)
    if fields is not None:
        assert set(body["fields"]) == fields
        for messages in body["fields"].values():
            assert isinstance(messages, list)
            assert messages != []
            assert all(isinstance(m, str) and m for m in messages)
    return body
