"""Resolutions: a head's lead executor and co-executors, and parts passed further down."""

import re
from datetime import timedelta

import pytest

from tests.staff_card.conftest import url
from vikno.appeals import services
from vikno.appeals.models import AppealEvent, Assignment
from vikno.core.clock import now, travel
from vikno.core.errors import Forbidden, InvalidTransition, ValidationFailed
from vikno.staff.card.selectors import card_data

pytestmark = pytest.mark.django_db


def tree_shape(nodes):
    return [
        (n.assignment.organization.code, n.assignment.role, tree_shape(n.children)) for n in nodes
    ]


def state(appeal):
    return (
        list(Assignment.objects.filter(appeal=appeal).order_by("pk").values()),
        AppealEvent.objects.filter(appeal=appeal).count(),
    )


@pytest.fixture
def resolved(card_world, preprocessed):
    """The city head's resolution: the water utility leads, the roads utility helps."""
    services.appeal_resolve(
        actor=card_world["users"]["city_head"],
        appeal=preprocessed,
        lead=card_world["water"],
        co_executors=[(card_world["roads"], now() + timedelta(days=2), "Відновити покриття")],
        instruction="Відновити подачу води",
    )
    preprocessed.refresh_from_db()
    return preprocessed


def test_resolution_writes_lead_and_co_executors_with_their_own_terms(card_world, resolved):
    head = card_world["users"]["city_head"]
    rows = list(
        resolved.assignments.order_by("pk").values_list(
            "organization__code", "role", "state", "instruction", "assigned_by_id", "parent_id"
        )
    )
    assert rows == [
        ("vodokanal", "lead", "pending", "Відновити подачу води", head.pk, None),
        ("roads", "co", "pending", "Відновити покриття", head.pk, None),
    ]
    lead, co = resolved.assignments.order_by("pk")
    assert lead.due_at == resolved.due_at
    assert co.due_at < resolved.due_at
    assert (resolved.status, resolved.executor) == ("forwarded", card_world["water"])
    assert list(resolved.events.values_list("kind", flat=True)) == [
        "registered",
        "preprocessed",
        "forwarded",
        "resolution",
    ]


def test_resolution_tree_two_levels_deep(client, card_world, resolved):
    users = card_world["users"]
    lead = resolved.assignments.get(role="lead")
    unit_part = services.assignment_delegate(
        actor=users["water_head"],
        assignment=lead,
        organization=card_world["water_unit"],
        due=now() + timedelta(days=3),
        instruction="Оглянути мережу",
    )
    team_part = services.assignment_delegate(
        actor=users["unit_head"],
        assignment=unit_part,
        organization=card_world["water_team"],
        instruction="Замінити засувку",
    )
    assert (team_part.parent, team_part.assigned_by, team_part.role) == (
        unit_part,
        users["unit_head"],
        "co",
    )
    assert team_part.due_at == unit_part.due_at
    assert tree_shape(card_data(resolved).tree) == [
        ("vodokanal", "lead", [("vodokanal-north", "co", [("vodokanal-north-1", "co", [])])]),
        ("roads", "co", []),
    ]
    assert resolved.events.filter(kind="resolution").count() == 3

    client.force_login(users["city_head"])
    html = client.get(url(resolved)).content.decode()
    order = [m for m in re.findall(r'data-assignment="(\d+)"', html)]
    assert order == [str(pk) for pk in (lead.pk, unit_part.pk, team_part.pk)] + [
        str(resolved.assignments.get(organization=card_world["roads"]).pk)
    ]
    assert html.count('<ul class="resolutions">') == 3
    assert "Замінити засувку" in html

    # The team's executor now sees the appeal and owes its part.
    assert team_part in list(Assignment.objects.filter(appeal=resolved, state="pending"))


def test_who_owes_what_highlights_the_overdue(client, card_world, resolved):
    client.force_login(card_world["users"]["supervisor"])
    with travel(now() + timedelta(days=3)):
        html = client.get(url(resolved)).content.decode()
    # the roads part was due in two days: overdue now; the lead's is not yet
    assert html.count("owed__item owed__item--overdue") == 1
    assert re.search(r"owed__item--overdue\">\s*<strong>КП «Шляхи»</strong>", html)


def test_delegation_refused_outside_the_supervisors_subtree(card_world, resolved):
    users = card_world["users"]
    before = state(resolved)
    lead = resolved.assignments.get(role="lead")
    roads_part = resolved.assignments.get(role="co")
    # the water head may not pass the roads utility's part
    with pytest.raises(Forbidden):
        services.assignment_delegate(
            actor=users["water_head"], assignment=roads_part, organization=card_world["water_unit"]
        )
    # nor pass his own part to an organization outside his subtree
    with pytest.raises(Forbidden):
        services.assignment_delegate(
            actor=users["water_head"], assignment=lead, organization=card_world["roads"]
        )
    # a unit head may not pass down the part of the utility above him
    with pytest.raises(Forbidden):
        services.assignment_delegate(
            actor=users["unit_head"], assignment=lead, organization=card_world["water_team"]
        )
    # executors and operators issue no resolutions
    for username in ("executor", "operator", "analyst"):
        with pytest.raises(Forbidden):
            services.assignment_delegate(
                actor=users[username], assignment=lead, organization=card_world["water_unit"]
            )
    assert state(resolved) == before


def test_delegation_refused_through_the_card_changes_nothing(client, card_world, resolved):
    client.force_login(card_world["users"]["water_head"])
    before = state(resolved)
    roads_part = resolved.assignments.get(role="co")
    response = client.post(
        url(resolved, "do/delegate/"),
        {
            "delegate-assignment": roads_part.pk,
            "delegate-organization": card_world["water_unit"].pk,
        },
    )
    assert response.status_code == 400  # not among the parts offered to this head
    assert 'data-action-error="delegate"' in response.content.decode()
    assert state(resolved) == before


def test_delegation_checks_term_and_state(card_world, resolved):
    users = card_world["users"]
    lead = resolved.assignments.get(role="lead")
    before = state(resolved)
    with pytest.raises(ValidationFailed):
        services.assignment_delegate(
            actor=users["water_head"],
            assignment=lead,
            organization=card_world["water_unit"],
            due=lead.due_at + timedelta(days=1),
        )
    with pytest.raises(ValidationFailed):
        services.assignment_delegate(
            actor=users["water_head"], assignment=lead, organization=card_world["water"]
        )
    assert state(resolved) == before
    services.appeal_return(actor=users["executor"], appeal=resolved, reason="Не наша мережа")
    lead.refresh_from_db()
    before = state(resolved)
    with pytest.raises(InvalidTransition):
        services.assignment_delegate(
            actor=users["water_head"], assignment=lead, organization=card_world["water_unit"]
        )
    assert state(resolved) == before


def test_resolution_refused_outside_the_heads_subtree_changes_nothing(card_world, preprocessed):
    before = state(preprocessed)
    with pytest.raises(Forbidden):
        services.appeal_resolve(
            actor=card_world["users"]["water_head"],
            appeal=preprocessed,
            lead=card_world["roads"],
        )
    with pytest.raises(Forbidden):
        services.appeal_resolve(
            actor=card_world["users"]["operator"], appeal=preprocessed, lead=card_world["water"]
        )
    with pytest.raises(ValidationFailed):
        services.appeal_resolve(
            actor=card_world["users"]["supervisor"],
            appeal=preprocessed,
            lead=card_world["water"],
            co_executors=[(card_world["roads"], preprocessed.due_at + timedelta(days=1), "")],
        )
    assert state(preprocessed) == before
    preprocessed.refresh_from_db()
    assert preprocessed.status == "preprocessed"
