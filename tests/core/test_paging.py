"""Counts up to a cap and pages that never count every row (vikno.core.paging)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import OrganizationFactory
from vikno.core.paging import CappedCount, capped_count, capped_counts, capped_page
from vikno.reference.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven():
    for i in range(7):
        OrganizationFactory(code=f"org{i}", name=f"Організація {i}")
    return Organization.objects.filter(code__startswith="org").order_by("code")


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        (10, CappedCount(7)),
        (7, CappedCount(7)),
        (6, CappedCount(6, more=True)),
        (1, CappedCount(1, more=True)),
    ],
)
def test_capped_count_is_exact_up_to_the_cap(seven, cap, expected):
    assert capped_count(seven, cap) == expected


def test_capped_counts_are_one_query_and_empty_querysets_count_zero(seven):
    with CaptureQueriesContext(connection) as queries:
        counts = capped_counts(
            {
                "all": seven,
                "three": seven.filter(code__in=["org0", "org1", "org2"]),
                "none": seven.none(),
            },
            cap=5,
        )
    assert counts == {
        "all": CappedCount(5, more=True),
        "three": CappedCount(3),
        "none": CappedCount(0),
    }
    assert len(queries) == 1


def test_the_count_reads_as_a_person_expects():
    with translation.override("uk"):
        assert str(CappedCount(1000, more=True)) == "1\xa0000+"
        assert str(CappedCount(12)) == "12"
    assert not CappedCount(0)
    assert CappedCount(1)


def codes(page):
    return [o.code for o in page.object_list]


def test_pages_know_the_next_one_without_counting_everything(seven):
    first = capped_page(seven, "1", 3, count=CappedCount(3, more=True))
    assert (codes(first), first.has_previous(), first.has_next(), first.num_pages) == (
        ["org0", "org1", "org2"],
        False,
        True,
        None,
    )
    last = capped_page(seven, 3, 3, count=CappedCount(3, more=True))
    assert (codes(last), last.has_previous(), last.has_next()) == (["org6"], True, False)
    assert last.has_other_pages()


def test_a_bad_or_missing_page_number_is_the_first_page(seven):
    for raw in (None, "", "abc", "-2", "0"):
        assert capped_page(seven, raw, 3).number == 1


def test_a_page_past_the_end_is_the_last_page_when_the_end_is_known(seven):
    page = capped_page(seven, "99", 3)  # 7 rows under the cap: the end is known
    assert (page.number, codes(page), page.num_pages, page.has_next()) == (3, ["org6"], 3, False)


def test_a_page_past_the_end_beyond_the_cap_falls_back_to_the_first(seven):
    page = capped_page(seven, "99", 3, count=CappedCount(3, more=True))
    assert (page.number, codes(page), page.has_next()) == (1, ["org0", "org1", "org2"], True)
