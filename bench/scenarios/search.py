"""Scenario 5: full-text search over the appeal texts at N appeals: p50 and p99.

What the operator's search box runs: vikno.appeals.selectors.appeal_list with
AppealFilter(text=…) — its first page (25 rows, newest first). Queries: "трубу" (must find
"труба", "трубою", "труби"), "опалення", "сміття вивозять" (two words). The baseline is a
hand-written SQL substring scan (LIKE '%труб%') of the same first page. The figure
"finds the word forms" checks the Ukrainian word forms: the share of the appeals whose
text has a form of "труба" that the search for "трубу" finds.
"""

# ruff: noqa: S608 - the SQL is built from table names only; values are parameters

from __future__ import annotations

import itertools
import re

from bench.context import Context
from bench.measure import Figure, percentile, timed_ms

NOTES: list[str] = []
QUERIES = ("трубу", "опалення", "сміття вивозять")
PAGE = 25
PIPE_FORMS = re.compile(r"\bтруб(а|у|ою|і|и|ами|ах|ам)?\b", re.IGNORECASE)


def _calls(ctx: Context) -> int:
    return 15 if ctx.size >= 500_000 else 20


def run(ctx: Context) -> list[Figure]:
    from django.db import connection

    from vikno.appeals.models import Appeal
    from vikno.appeals.selectors import AppealFilter, appeal_list

    NOTES.clear()
    table = Appeal._meta.db_table
    n = _calls(ctx)
    figures: list[Figure] = []
    vikno_p50, vikno_p99, raw_p50, raw_p99 = [], [], [], []
    vikno_queries = itertools.cycle(QUERIES)
    raw_queries = itertools.cycle(QUERIES)

    def search() -> None:
        list(appeal_list(AppealFilter(text=next(vikno_queries)))[:PAGE])

    def raw() -> None:
        pattern = "%" + next(raw_queries).split()[0][:4] + "%"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, number, text FROM {table} WHERE text LIKE %s "
                "ORDER BY received_at DESC, id DESC LIMIT 25",
                [pattern],
            )
            cursor.fetchall()

    for _ in QUERIES:  # warm the caches once
        search()
        raw()
    for _ in range(ctx.repeats):
        times = timed_ms(search, n)
        vikno_p50.append(percentile(times, 50))
        vikno_p99.append(percentile(times, 99))
        times = timed_ms(raw, n)
        raw_p50.append(percentile(times, 50))
        raw_p99.append(percentile(times, 99))

    label = 'Vikno search (appeal_list text="трубу" / "опалення" / "сміття вивозять", first 25)'
    baseline = "raw SQL LIKE '%труб%' … (first 25)"
    for metric, mine, theirs, target in (
        ("p50 ms", vikno_p50, raw_p50, ""),
        ("p99 ms", vikno_p99, raw_p99, "< 100 ms"),
    ):
        figures.append(
            Figure(
                scenario=5,
                label=label,
                engine=ctx.engine,
                metric=metric,
                samples=mine,
                baseline=baseline,
                target=target,
            )
        )
        figures.append(
            Figure(scenario=5, label=baseline, engine=ctx.engine, metric=metric, samples=theirs)
        )

    # Word forms: of the appeals whose text has a form of "труба", how many "трубу" finds.
    with_forms = {
        pk
        for pk, text in Appeal.objects.filter(text__icontains="труб").values_list("pk", "text")
        if PIPE_FORMS.search(text)
    }
    found = set(appeal_list(AppealFilter(text="трубу")).values_list("pk", flat=True))
    share = len(with_forms & found) / len(with_forms) if with_forms else 0.0
    NOTES.append(
        f'Scenario 5: "трубу" found {len(found):,} appeals, {len(with_forms & found):,} of the '
        f"{len(with_forms):,} whose text has a form of «труба» (труба, трубу, трубою, труби…)."
    )
    figures.append(
        Figure(
            scenario=5,
            label='"трубу" finds the forms of «труба»',
            engine=ctx.engine,
            metric="share found",
            samples=[share],
            target="= 1 (every form)",
            ok=share >= 0.999,
        )
    )
    return figures
