"""`manage.py demo_load`: the demo city, its staff and key, and a year of appeals."""

from collections import Counter

import pytest
from django.contrib.auth import authenticate

from tests.demo.conftest import DEMO_KEY, EXPECTED_LEAVES, MOMENT
from vikno.accounts.models import Role, User
from vikno.accounts.services import apikey_authenticate
from vikno.appeals.choices import Kind, Outcome, RejectionReason, Status
from vikno.appeals.models import Appeal, AppealEvent, Applicant
from vikno.core.deadlines import Term, due_soon_threshold
from vikno.demo import data
from vikno.reference.models import (
    Category,
    Organization,
    OrganizationKind,
    RoutingRule,
    Territory,
    TerritoryKind,
)
from vikno.reference.selectors import leaf_categories

# --- reference data ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_category_tree_has_about_eighty_leaves_with_terms(loaded):
    leaves = list(leaf_categories())
    assert len(leaves) == EXPECTED_LEAVES
    assert Category.objects.filter(parent__isnull=True).count() == 11
    assert {leaf.term for leaf in leaves} == {Term.SHORT, Term.STANDARD}
    hours = [leaf.service_level_hours for leaf in leaves if leaf.service_level_hours]
    assert min(hours) == 4
    assert max(hours) == 240
    assert all(leaf.default_executor_id for leaf in leaves)
    no_water = Category.objects.get(code="no-cold-water")
    assert (no_water.service_level_hours, no_water.default_executor.code) == (12, "kp-vodokanal")
    assert no_water.parent.parent.name == "Житлово-комунальне господарство"


@pytest.mark.django_db
def test_organizations_territories_and_routes(loaded):
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    assert kinds == {
        OrganizationKind.EXECUTIVE_BODY: 1,
        OrganizationKind.CONTACT_CENTER: 1,
        OrganizationKind.DEPARTMENT: 8,
        OrganizationKind.UTILITY: 11,
        OrganizationKind.EXTERNAL: 4,
    }
    police = Organization.objects.get(code="police")
    assert (police.phone, police.is_external) == ("102", True)
    assert Organization.objects.get(code="ukc-1545").phone == "1545"
    assert Territory.objects.filter(kind=TerritoryKind.HROMADA).count() == 1
    assert Territory.objects.filter(kind=TerritoryKind.DISTRICT).count() == 5
    assert Territory.objects.filter(kind=TerritoryKind.SETTLEMENT).count() == 3
    assert RoutingRule.objects.count() == len(data.ROUTES) == 8
    left_bank = RoutingRule.objects.get(
        category__code="blahoustrii-green", territory__code="livoberezhnyi"
    )
    assert left_bank.organization.code == "kp-blahoustrii-livyi"


@pytest.mark.django_db
def test_every_role_has_a_demo_user(loaded):
    staff = User.objects.filter(is_service_account=False)
    assert set(staff.values_list("role", flat=True)) == set(Role.values)
    assert not staff.filter(is_demo=False).exists()
    admin = User.objects.get(username="admin")
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMINISTRATOR, True, True)
    vodokanal = User.objects.get(username="executor.vodokanal")
    assert (vodokanal.role, vodokanal.organization.code) == (Role.EXECUTOR, "kp-vodokanal")
    assert not staff.filter(role=Role.EXECUTOR, organization__isnull=True).exists()
    # The README lists these; they must be the same on every machine.
    assert data.DEMO_PASSWORD == "vikno-demo-2026"
    assert DEMO_KEY == "vk_demo0000_vikno-demo-api-key-2026"
    assert f"Demo API key (Authorization: Bearer …): {DEMO_KEY}" in loaded.splitlines()
    assert any(
        line.split() == ["operator", "vikno-demo-2026", "operator", "Контактний", "центр", "1580"]
        for line in loaded.splitlines()
    )


@pytest.mark.django_db
def test_demo_sign_in_works_only_with_debug(loaded, settings):
    settings.DEBUG = True
    assert authenticate(username="operator", password=data.DEMO_PASSWORD).username == "operator"
    settings.DEBUG = False
    assert authenticate(username="operator", password=data.DEMO_PASSWORD) is None


@pytest.mark.django_db
def test_demo_api_key_works_only_with_debug(loaded, settings):
    settings.DEBUG = True
    key = apikey_authenticate(DEMO_KEY)
    assert key is not None
    assert (key.name, key.user.is_demo) == ("demo", True)
    settings.DEBUG = False
    assert apikey_authenticate(DEMO_KEY) is None


# --- appeals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_appeals_in_every_status_outcome_and_reason(loaded):
    assert Appeal.objects.count() == 200
    assert set(Appeal.objects.values_list("status", flat=True)) == set(Status.values)
    rejected = Appeal.objects.filter(status=Status.REJECTED)
    assert set(rejected.values_list("rejection_reason", flat=True)) == set(RejectionReason.values)
    closed = Appeal.objects.filter(status=Status.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) == {Outcome.RESOLVED, Outcome.CONSULTED}
    assert set(Appeal.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert not Appeal.objects.filter(status=Status.MERGED, parent__isnull=True).exists()


@pytest.mark.django_db
def test_appeals_span_the_past_year_with_overdue_and_due_soon(loaded):
    first = Appeal.objects.order_by("received_at").first()
    last = Appeal.objects.order_by("received_at").last()
    assert (MOMENT - first.received_at).days in range(300, 366)
    assert last.received_at <= MOMENT
    assert Appeal.objects.overdue(MOMENT).exists()
    assert Appeal.objects.due_soon(MOMENT, due_soon_threshold(MOMENT)).exists()
    assert not AppealEvent.objects.filter(created_at__gt=MOMENT).exists()


@pytest.mark.django_db
def test_history_is_written_through_the_services(loaded):
    # Every appeal starts with its registration event, at its time of receipt.
    registrations = AppealEvent.objects.filter(kind="registered")
    assert registrations.count() == 200
    for event in registrations.select_related("appeal"):
        assert event.created_at == event.appeal.received_at
    closed = Appeal.objects.filter(status=Status.CLOSED, outcome=Outcome.RESOLVED).first()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[0] == "registered"
    assert "confirmed" in kinds


@pytest.mark.django_db
def test_applicants_repeat_and_some_are_privileged_or_anonymous(loaded):
    per_applicant = Counter(
        Appeal.objects.exclude(applicant=None).values_list("applicant_id", flat=True)
    )
    assert max(per_applicant.values()) >= 2
    assert Applicant.objects.filter(is_privileged=True).exists()
    assert Applicant.objects.exclude(phone="").filter(phone__startswith="+380").exists()
    assert Appeal.objects.filter(status=Status.REJECTED, rejection_reason="anonymous").exists()


@pytest.mark.django_db
def test_the_replayed_year_messages_nobody(loaded):
    """The demo's past steps write nothing to the outbox, and its phones are fictional."""
    from vikno.appeals.models import Applicant
    from vikno.notifications.models import Notification

    assert Notification.objects.count() == 0
    phones = set(Applicant.objects.exclude(phone="").values_list("phone", flat=True))
    assert phones
    assert all(phone.startswith("+3800") for phone in phones)
