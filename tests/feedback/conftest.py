"""Fixtures of the feedback tests: the appeals `flow`, the JSON `api`, and helpers."""

import pytest

from tests.api.conftest import Api
from tests.appeals.conftest import Flow, take_snapshot
from vikno.accounts.models import ApiKeyScope
from vikno.accounts.services import apikey_create
from vikno.feedback.models import FeedbackRequest, Rating
from vikno.notifications.models import Notification


@pytest.fixture
def flow(world) -> Flow:
    return Flow(world)


@pytest.fixture
def snapshot():
    def _snapshot(appeal):
        return {
            **take_snapshot(appeal),
            "requests": list(FeedbackRequest.objects.values().order_by("id")),
            "ratings": list(Rating.objects.values().order_by("id")),
            "notifications": list(Notification.objects.values_list("key", flat=True)),
        }

    return _snapshot


@pytest.fixture
def api(world, client) -> Api:
    roles = ("operator", "supervisor", "analyst", "administrator", "executor")
    keys = {role: apikey_create(name=f"key-{role}", user=world["users"][role])[1] for role in roles}
    keys["analyst_read_only"] = apikey_create(
        name="key-analyst-ro", user=world["users"]["analyst"], scopes=[ApiKeyScope.READ]
    )[1]
    keys["analyst_write_only"] = apikey_create(
        name="key-analyst-wo", user=world["users"]["analyst"], scopes=[ApiKeyScope.WRITE]
    )[1]
    return Api(client=client, keys=keys)


def request_of(appeal) -> FeedbackRequest:
    """The newest feedback link of an appeal."""
    return FeedbackRequest.objects.filter(appeal=appeal).latest("created_at", "id")
