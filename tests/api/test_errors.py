"""One error shape everywhere: {"code", "message", "fields"} with a 4xx status."""

import json

from tests.api.conftest import appeal_body, assert_error
from vikno.appeals.models import Appeal


def test_validation_error_fields_are_keyed_by_path(api):
    body = appeal_body(kind="letter", latitude="north")
    del body["text"]
    body["applicant"]["phone"] = "call me"
    body["applicant"]["email"] = "not-an-email"
    body["applicant"]["preferred_channel"] = "pigeon"
    response = api.post("/appeals", body)
    assert_error(
        response,
        422,
        "validation_error",
        {
            "kind",
            "text",
            "latitude",
            "applicant.phone",
            "applicant.email",
            "applicant.preferred_channel",
        },
    )
    assert Appeal.objects.count() == 0


def test_service_validation_uses_the_same_shape(api, world):
    # "water" is not a leaf: the service refuses and names the field.
    assert_error(
        api.post("/appeals", appeal_body(category="water")), 422, "validation_error", {"category"}
    )


def test_unknown_codes_are_404_naming_the_field(api):
    assert_error(
        api.post("/appeals", appeal_body(category="no-such")), 404, "not_found", {"category"}
    )
    assert_error(
        api.post("/appeals", appeal_body(territory="atlantis")), 404, "not_found", {"territory"}
    )
    assert_error(api.get("/appeals", category="no-such"), 404, "not_found", {"category"})
    assert Appeal.objects.count() == 0


def test_unknown_appeal_is_404(api, world):
    assert_error(api.get("/appeals/2026-0000042"), 404, "not_found", set())


def test_wrong_method_is_405_with_allow(api, world):
    response = api.client.delete(
        "/api/v1/appeals/2026-0000001", HTTP_AUTHORIZATION=f"Bearer {api.keys['operator']}"
    )
    assert_error(response, 405, "method_not_allowed", set())
    assert response["Allow"] == "GET"
    assert_error(api.get("/appeals/2026-0000001/accept"), 405, "method_not_allowed")


def test_unknown_path_under_api_is_404(api):
    assert_error(api.get("/nothing/here"), 404, "not_found", set())


def test_body_that_is_not_json_is_400(api):
    response = api.client.post(
        "/api/v1/appeals",
        "{oops",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.keys['operator']}",
    )
    assert_error(response, 400, "bad_request", set())


def test_list_query_validation(api):
    body = assert_error(
        api.get("/appeals", limit=101, overdue="maybe", status="lost"),
        422,
        "validation_error",
        {"limit", "overdue", "status.0"},
    )
    assert json.dumps(body)  # serializable as it came


def test_validation_error_in_nested_list_keeps_index(api, register):
    number = register()
    api.post(f"/appeals/{number}/preprocess", {})
    assert_error(
        api.post(f"/appeals/{number}/forward", {"co_executors": ["roads", 5]}),
        422,
        "validation_error",
        {"co_executors.1"},
    )
