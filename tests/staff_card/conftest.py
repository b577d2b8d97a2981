"""Fixtures of the appeal card: appeals in each state, walked there through the services."""

import io

import pytest
from PIL import Image

from tests.factories import OrganizationFactory, UserFactory, register_appeal
from vikno.accounts.models import Role
from vikno.appeals import services


@pytest.fixture
def card_world(world):
    """The shared world plus a sub-unit under the water utility, a second-level unit under
    it, and supervisors bound to the city and to the water utility."""
    users = world["users"]
    world["water_unit"] = OrganizationFactory(
        code="vodokanal-north", name="Дільниця «Північна»", parent=world["water"]
    )
    world["water_team"] = OrganizationFactory(
        code="vodokanal-north-1", name="Бригада №1", parent=world["water_unit"]
    )
    users["city_head"] = UserFactory(
        username="city_head", role=Role.SUPERVISOR, organization=world["city"]
    )
    users["water_head"] = UserFactory(
        username="water_head", role=Role.SUPERVISOR, organization=world["water"]
    )
    users["unit_head"] = UserFactory(
        username="unit_head", role=Role.SUPERVISOR, organization=world["water_unit"]
    )
    return world


@pytest.fixture
def registered(card_world):
    return register_appeal(actor=card_world["users"]["operator"], category=card_world["no_water"])


@pytest.fixture
def preprocessed(card_world, registered):
    return services.appeal_preprocess(actor=card_world["users"]["operator"], appeal=registered)


@pytest.fixture
def forwarded(card_world, preprocessed):
    """Forwarded by the routing rules to the water utility."""
    return services.appeal_forward(actor=card_world["users"]["operator"], appeal=preprocessed)


@pytest.fixture
def in_work(card_world, forwarded):
    executor = card_world["users"]["executor"]
    services.appeal_accept(actor=executor, appeal=forwarded)
    services.appeal_start_work(actor=executor, appeal=forwarded)
    forwarded.refresh_from_db()
    return forwarded


@pytest.fixture
def executed(card_world, in_work):
    services.appeal_report_execution(
        actor=card_world["users"]["executor"], appeal=in_work, report="Воду подано."
    )
    in_work.refresh_from_db()
    return in_work


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def url(appeal, suffix: str = "") -> str:
    return f"/staff/appeals/{appeal.number}/{suffix}"
