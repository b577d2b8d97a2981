"""`Idempotency-Key`: a retried POST answers the first result instead of acting twice."""

import json
import threading
from unittest import mock

from django.db import connection
from django.db.models import QuerySet
from django.test import Client

from tests.api.conftest import appeal_body, assert_error
from vikno.api.models import IdempotencyRecord
from vikno.appeals.choices import EventKind
from vikno.appeals.models import Appeal, AppealEvent


def test_retried_registration_returns_the_first_appeal(api):
    first = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "call-42"})
    retry = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "call-42"})
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert first.has_header("Idempotent-Replayed") is False
    assert Appeal.objects.count() == 1
    assert retry.json()["number"] == Appeal.objects.get().number


def test_retry_ignores_json_spacing_and_key_order(api):
    body = appeal_body()
    first = api.post("/appeals", body, headers={"Idempotency-Key": "k1"})
    reordered = dict(reversed(list(body.items())))
    retry = api.client.post(
        "/api/v1/appeals",
        json.dumps(reordered, indent=4),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.keys['operator']}",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert retry.status_code == 201
    assert retry.json()["number"] == first.json()["number"]
    assert Appeal.objects.count() == 1


def test_same_key_with_another_body_is_refused(api):
    api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "call-42"})
    response = api.post(
        "/appeals",
        appeal_body(text="Інша справа: зламана лава."),
        headers={"Idempotency-Key": "call-42"},
    )
    assert_error(response, 422, "idempotency_key_reused", {"idempotency_key"})
    assert Appeal.objects.count() == 1


def test_same_key_on_another_endpoint_is_refused(api, register):
    number = register()
    api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "k"})
    assert_error(
        api.post(f"/appeals/{number}/preprocess", {}, headers={"Idempotency-Key": "k"}),
        422,
        "idempotency_key_reused",
    )


def test_keys_belong_to_their_caller(api):
    api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "shared"})
    other = api.post(
        "/appeals", appeal_body(), as_="supervisor", headers={"Idempotency-Key": "shared"}
    )
    assert other.status_code == 201
    assert other.has_header("Idempotent-Replayed") is False
    assert Appeal.objects.count() == 2


def test_without_key_each_post_acts(api):
    api.post("/appeals", appeal_body())
    api.post("/appeals", appeal_body())
    assert Appeal.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_transitions_are_idempotent_too(api, walk):
    number = walk("forwarded")
    first = api.post(
        f"/appeals/{number}/accept", {}, as_="executor", headers={"Idempotency-Key": "acc-1"}
    )
    retry = api.post(
        f"/appeals/{number}/accept", {}, as_="executor", headers={"Idempotency-Key": "acc-1"}
    )
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert AppealEvent.objects.filter(appeal__number=number, kind=EventKind.ACCEPTED).count() == 1
    # Without the key, the second accept is a real (and invalid) second transition.
    assert_error(
        api.post(f"/appeals/{number}/accept", {}, as_="executor"), 409, "invalid_transition"
    )


def test_refusals_are_not_stored_so_a_corrected_retry_runs(api):
    bad = api.post("/appeals", appeal_body(category="water"), headers={"Idempotency-Key": "k"})
    assert_error(bad, 422, "validation_error")
    assert IdempotencyRecord.objects.count() == 0
    good = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "k"})
    assert good.status_code == 201
    assert Appeal.objects.count() == 1


def test_record_is_written_with_the_change(api, world):
    response = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "k"})
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.status, record.method, record.path) == (
        world["users"]["operator"],
        "k",
        201,
        "POST",
        "/api/v1/appeals",
    )
    assert record.body.encode() == response.content


def test_lost_race_rolls_back_and_answers_the_winner(api):
    """Two identical requests at once: the second misses the first's record when it looks,
    then hits the unique constraint; its own appeal is rolled back."""
    first = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "race"})
    real_first = QuerySet.first
    calls = {"n": 0}

    def blind_first(qs):
        # The first lookup of the racing request does not see the winner's record yet.
        if qs.model is IdempotencyRecord and calls["n"] == 0:
            calls["n"] += 1
            return None
        return real_first(qs)

    with mock.patch.object(QuerySet, "first", blind_first):
        second = api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "race"})
    assert calls["n"] == 1
    assert second.status_code == 201
    assert second.content == first.content
    assert Appeal.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_lost_race_on_a_transition_answers_the_winner_not_409(api, walk):
    number = walk("forwarded")
    first = api.post(
        f"/appeals/{number}/accept", {}, as_="executor", headers={"Idempotency-Key": "a"}
    )
    real_first = QuerySet.first
    calls = {"n": 0}

    def blind_first(qs):
        if qs.model is IdempotencyRecord and calls["n"] == 0:
            calls["n"] += 1
            return None
        return real_first(qs)

    with mock.patch.object(QuerySet, "first", blind_first):
        second = api.post(
            f"/appeals/{number}/accept", {}, as_="executor", headers={"Idempotency-Key": "a"}
        )
    assert second.status_code == 200
    assert second.content == first.content


def test_key_too_long_is_refused(api):
    assert_error(
        api.post("/appeals", appeal_body(), headers={"Idempotency-Key": "x" * 201}),
        422,
        "validation_error",
        {"idempotency_key"},
    )
    assert Appeal.objects.count() == 0


def test_multipart_retry_is_recognised(api, register, tmp_path):
    number = register()
    photo = tmp_path / "a.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 32)
    responses = []
    for _ in range(2):
        with photo.open("rb") as handle:
            responses.append(
                api.client.post(
                    f"/api/v1/appeals/{number}/attachments",
                    {"files": [handle]},
                    HTTP_AUTHORIZATION=f"Bearer {api.keys['operator']}",
                    HTTP_IDEMPOTENCY_KEY="upload-1",
                )
            )
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[1].content == responses[0].content
    assert Appeal.objects.get(number=number).attachments.count() == 1


def test_two_identical_requests_at_once_make_one_appeal(transactional_db, api):
    """Real concurrency: two threads, two database connections, one key."""
    barrier = threading.Barrier(2)
    body = json.dumps(appeal_body())
    results = []

    def send():
        try:
            barrier.wait()
            results.append(
                Client().post(
                    "/api/v1/appeals",
                    body,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {api.keys['operator']}",
                    HTTP_IDEMPOTENCY_KEY="same-moment",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [201, 201]
    assert results[0].content == results[1].content
    assert Appeal.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
