"""Reference data endpoints, the OpenAPI schema and the docs page (no CDN)."""

import re

from vikno.reference.models import Category


def test_categories_flat_list_in_tree_order(api, world):
    response = api.get("/categories")
    assert [c["code"] for c in response.json()] == ["housing", "water", "no-cold-water", "pothole"]
    assert "Водопостачання".encode() in response.content  # letters, not \u escapes
    items = {c["code"]: c for c in response.json()}
    assert items["no-cold-water"] == {
        "code": "no-cold-water",
        "name": "Відсутність холодної води",
        "parent": "water",
        "is_leaf": True,
        "term": "short",
        "service_level_hours": 24,
        "default_executor": None,
    }
    assert (items["housing"]["parent"], items["housing"]["is_leaf"]) == (None, False)
    assert items["pothole"]["default_executor"] == "roads"


def test_categories_leaves_only_and_inactive_hidden(api, world):
    Category.objects.filter(code="pothole").update(is_active=False)
    assert [c["code"] for c in api.get("/categories", leaves_only="true").json()] == [
        "no-cold-water"
    ]


def test_organizations_and_territories(api, world):
    orgs = {o["code"]: o for o in api.get("/organizations").json()}
    assert set(orgs) == {"city", "vodokanal", "roads", "gov-cc"}
    assert (
        orgs["vodokanal"]["parent"],
        orgs["vodokanal"]["kind"],
        orgs["vodokanal"]["is_external"],
    ) == (
        "city",
        "utility",
        False,
    )
    assert orgs["gov-cc"]["is_external"] is True
    assert api.get("/territories").json() == [
        {"code": "center", "name": "Центральний район", "kind": "district", "parent": None}
    ]


def test_reference_reads_need_a_key(api):
    assert api.get("/categories", as_=None).status_code == 401


def test_openapi_schema_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    number = "/api/v1/appeals/{number}"
    transitions = [
        "preprocess",
        "answer-on-spot",
        "forward",
        "forward-out",
        "accept",
        "return",
        "start-work",
        "report",
        "verify",
        "extend",
        "reject",
        "merge",
        "reopen",
        "attachments",
    ]
    for action in transitions:
        assert set(paths[f"{number}/{action}"]) == {"post"}, action
    assert set(paths["/api/v1/appeals"]) == {"get", "post"}
    assert set(paths[number]) == {"get"}
    for ref in ("categories", "organizations", "territories"):
        assert set(paths[f"/api/v1/{ref}"]) == {"get"}
    register = paths["/api/v1/appeals"]["post"]
    for operations in paths.values():
        if "post" in operations:
            headers = [p["name"] for p in operations["post"]["parameters"] if p["in"] == "header"]
            assert headers == ["Idempotency-Key"]
    assert {"201", "401", "403", "404", "422"} <= set(register["responses"])
    assert set(schema["components"]["securitySchemes"]) == {
        "BearerKey",
        "HeaderKey",
        "StaffSession",
    }
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_docs_page_loads_nothing_from_outside(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert "http://" not in html
    assert "https://" not in html
    assert '"validatorUrl": null' in html
