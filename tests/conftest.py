"""Shared fixtures: a small world of organizations, categories and staff of every role."""

import pytest

from tests.factories import CategoryFactory, OrganizationFactory, TerritoryFactory, UserFactory
from vikno.accounts.models import Role
from vikno.core.deadlines import Term
from vikno.reference.models import OrganizationKind, RoutingRule


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    """Two utilities, an outside body, a district, a category tree with a routing rule,
    and one user of each role."""
    city = OrganizationFactory(
        code="city", name="Виконавчий комітет", kind=OrganizationKind.EXECUTIVE_BODY
    )
    water = OrganizationFactory(code="vodokanal", name="КП «Водоканал»", parent=city)
    roads = OrganizationFactory(code="roads", name="КП «Шляхи»", parent=city)
    outside = OrganizationFactory(
        code="gov-cc", name="Урядовий контактний центр", kind=OrganizationKind.EXTERNAL
    )
    district = TerritoryFactory(code="center", name="Центральний район")
    housing = CategoryFactory(code="housing", name="Житлово-комунальне господарство")
    water_cat = CategoryFactory(code="water", name="Водопостачання", parent=housing)
    no_water = CategoryFactory(
        code="no-cold-water",
        name="Відсутність холодної води",
        parent=water_cat,
        term=Term.SHORT,
        service_level_hours=24,
    )
    pothole = CategoryFactory(code="pothole", name="Яма на дорозі", default_executor=roads)
    RoutingRule.objects.create(category=water_cat, organization=water)
    users = {
        role: UserFactory(username=role, role=role)
        for role in (Role.OPERATOR, Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR)
    }
    users["executor"] = UserFactory(username="executor", role=Role.EXECUTOR, organization=water)
    users["roads_executor"] = UserFactory(
        username="roads_executor", role=Role.EXECUTOR, organization=roads
    )
    return {
        "city": city,
        "water": water,
        "roads": roads,
        "outside": outside,
        "district": district,
        "housing": housing,
        "no_water": no_water,
        "pothole": pothole,
        "users": users,
    }
