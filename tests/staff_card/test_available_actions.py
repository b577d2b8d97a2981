"""Which actions the card offers: one function, role × status."""

import re

import pytest

from vikno.appeals import services
from vikno.appeals.permissions import available_actions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "fixture", "expected"),
    [
        (
            "operator",
            "registered",
            ["preprocess", "answer_on_spot", "forward_out", "reject", "merge", "note"],
        ),
        (
            "operator",
            "preprocessed",
            ["answer_on_spot", "forward", "forward_out", "reject", "merge", "note"],
        ),
        (
            "supervisor",
            "preprocessed",
            [
                "answer_on_spot",
                "resolve",
                "forward",
                "forward_out",
                "extend",
                "reject",
                "merge",
                "note",
            ],
        ),
        ("operator", "forwarded", ["note"]),
        ("executor", "forwarded", ["accept", "return", "note"]),
        ("executor", "in_work", ["report_execution", "note"]),
        ("water_head", "forwarded", ["accept", "return", "extend", "delegate", "note"]),
        ("roads_executor", "forwarded", []),
        ("analyst", "forwarded", []),
        ("analyst", "registered", []),
        ("operator", "executed", ["verify", "note"]),
        ("administrator", "executed", ["verify", "extend", "note"]),
        ("executor", "executed", ["note"]),
    ],
)
def test_available_actions(request, card_world, username, fixture, expected):
    appeal = request.getfixturevalue(fixture)
    assert available_actions(card_world["users"][username], appeal) == expected


def test_closed_appeal_offers_reopen_to_heads_only(card_world, registered):
    services.appeal_answer_on_spot(
        actor=card_world["users"]["operator"], appeal=registered, answer="Відповідь"
    )
    registered.refresh_from_db()
    assert available_actions(card_world["users"]["supervisor"], registered) == ["reopen", "note"]
    assert available_actions(card_world["users"]["operator"], registered) == ["note"]


def test_card_renders_only_the_offered_forms(client, card_world, forwarded):
    client.force_login(card_world["users"]["executor"])
    html = client.get(f"/staff/appeals/{forwarded.number}/").content.decode()
    offered = sorted(set(re.findall(r'id="action-([a-z_]+)"', html)))
    assert offered == ["accept", "note", "return"]
