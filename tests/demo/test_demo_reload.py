"""`manage.py demo_load` run twice, and from scratch twice: the same data, never doubled."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from tests.demo.conftest import EXPECTED_LEAVES, MOMENT, demo_load
from vikno.accounts.models import ApiKey, User
from vikno.appeals.models import Appeal, AppealEvent, Applicant, Assignment
from vikno.core.clock import travel
from vikno.reference.models import (
    Category,
    Organization,
    RoutingRule,
    Territory,
)
from vikno.reference.selectors import leaf_categories

MODELS = (
    Organization,
    Territory,
    Category,
    RoutingRule,
    User,
    ApiKey,
    Applicant,
    Appeal,
    Assignment,
    AppealEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def appeals_digest() -> str:
    h = hashlib.sha256()
    rows = Appeal.objects.order_by("number").values_list(
        "number", "status", "category__code", "text"
    )
    for row in rows:
        h.update(repr(tuple(row)).encode())
    return h.hexdigest()


# --- loading again, and again from scratch ------------------------------------------------------


@pytest.mark.django_db
def test_second_run_changes_nothing():
    demo_load()
    before = counts()
    out = StringIO()
    with travel(MOMENT):
        call_command("demo_load", "--appeals", "200", stdout=out)
    assert out.getvalue().strip() == "demo data already loaded"
    assert counts() == before
    assert before["Appeal"] == 200


@pytest.mark.django_db(transaction=True)
def test_two_fresh_loads_give_the_same_appeals():
    demo_load()
    first = (appeals_digest(), counts())
    call_command("flush", interactive=False, verbosity=0)
    assert Appeal.objects.count() == 0
    demo_load()
    assert (appeals_digest(), counts()) == first


@pytest.mark.django_db
def test_reference_only_load():
    output = demo_load(appeals=0)
    assert Appeal.objects.count() == 0
    assert leaf_categories().count() == EXPECTED_LEAVES
    assert output.splitlines()[-1] == "DEBUG is off: the demo accounts and key will refuse to work."
