"""Counts and pages that cost the same with 4,000 open appeals as with 400,000.

An operator needs to know that a queue holds 12 appeals, or "more than 1,000" — not
whether it holds 41,327: counting every matching row made each page slower as the city's
backlog grew (bench/, scenario 2). `capped_count` reads at most `cap + 1` rows through an
index; `capped_page` reads one row past the page to know whether a next page exists, so a
page never counts all matching rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format


def count_cap() -> int:
    return max(1, int(settings.VIKNO_COUNT_CAP))


@dataclass(frozen=True)
class CappedCount:
    """How many rows, up to a cap: `value` is exact unless `more` (then it is the cap)."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        shown = number_format(self.value, force_grouping=True)
        return f"{shown}+" if self.more else shown

    def __bool__(self) -> bool:
        return self.value > 0


def capped_counts(
    querysets: Mapping[str, QuerySet], cap: int | None = None
) -> dict[str, CappedCount]:
    """Count the rows of each queryset, reading at most `cap + 1` of each: one query,
    `SELECT (SELECT COUNT(*) FROM (… LIMIT cap + 1)), …` (all on one database)."""
    cap = count_cap() if cap is None else cap
    if not querysets:
        return {}
    parts, params = [], []
    databases = {qs.db for qs in querysets.values()}
    if len(databases) != 1:
        raise ValueError("capped_counts counts on one database at a time")
    using = databases.pop()
    for qs in querysets.values():
        limited = qs.order_by().values("pk")[: cap + 1]
        try:
            sql, part_params = limited.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # qs.none(), an empty __in: nothing to count
            parts.append("0")
            continue
        # The SQL is Django's own compilation of the queryset; values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        found = cursor.fetchone()
    return {
        name: CappedCount(min(n, cap), n > cap) for name, n in zip(querysets, found, strict=True)
    }


def capped_count(queryset: QuerySet, cap: int | None = None) -> CappedCount:
    """Count the rows of `queryset`, reading at most `cap + 1` of them (one query)."""
    return capped_counts({"rows": queryset}, cap)["rows"]


@dataclass
class CappedPage:
    """One page of a list whose total is counted only up to a cap.

    Shaped like Django's Page where the templates use it: number, object_list,
    has_next/has_previous, the neighbours' numbers; `count` is the CappedCount of the
    whole list and `num_pages` is None while the list holds more than the cap.
    """

    number: int
    object_list: Sequence[Any]
    count: CappedCount
    per_page: int
    next_exists: bool

    def has_next(self) -> bool:
        return self.next_exists

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def num_pages(self) -> int | None:
        return None if self.count.more else _pages(self.count.value, self.per_page)


def _pages(rows: int, per_page: int) -> int:
    return max(1, -(-rows // per_page))


def _page_number(raw: Any) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def capped_page(
    queryset: QuerySet, page: Any, per_page: int, *, count: CappedCount | None = None
) -> CappedPage:
    """The page numbered `page` (anything: a bad or missing number is page 1) of
    `queryset`, in its order. A number past the end gives the last page when the list is
    short enough to know where it ends, else the first page. `count`, when the caller has
    it already, saves the COUNT query."""
    count = capped_count(queryset) if count is None else count
    number = _page_number(page)
    if not count.more:
        number = min(number, _pages(count.value, per_page))
    rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
    if not rows and number > 1:
        number, rows = 1, list(queryset[: per_page + 1])
    return CappedPage(
        number=number,
        object_list=rows[:per_page],
        count=count,
        per_page=per_page,
        next_exists=len(rows) > per_page,
    )
