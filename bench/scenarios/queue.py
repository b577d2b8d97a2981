"""Scenario 2: the operator queue and the executor inbox at 0.4 %, 4 % and 40 % open.

Served as production serves them (bench/serve.py) and read over HTTP by a signed-in
operator and executor (bench/http.py: sequential GETs on one keep-alive connection):

- operator queue: /staff/queues/open/?sort=due — every open appeal, due soonest first
  (50 rows a page, the tab counts, the filter form);
- operator queue, filtered: the same with category=zhkh (housing and utilities, a subtree)
  and kind=service_request;
- executor inbox: /staff/inbox/ of the water utility's executor (25 rows, due soonest
  first, with the counts of its tabs).

The data starts with 40 % of the appeals open; after measuring, the surplus is closed
with bulk UPDATEs (appeals and their active assignments) down to 4 %, then 0.4 %, and
measured again. The baseline is the minimal Django JSON view (bench/baseline/) served the
same way, measured at each point. Targets: p50 under 5× the minimal view's, and flat in
N: p50 at 40 % open under 1.5× p50 at 0.4 %.
"""

# ruff: noqa: S608 - the SQL is built from table names and constants; values are parameters

from __future__ import annotations

import random
import statistics

from bench.context import Context
from bench.measure import Figure, percentile

NOTES: list[str] = []
SHARES = (0.4, 0.04, 0.004)  # measured in this order: closing is one-way
BASELINE = "minimal Django JSON view"
PAGES = {
    "Vikno operator queue (all open, by due)": ("operator", "/staff/queues/open/?sort=due"),
    "Vikno operator queue (filtered, by due)": (
        "operator",
        "/staff/queues/open/?sort=due&category=zhkh&kind=service_request",
    ),
    "Vikno executor inbox (by due)": ("executor", "/staff/inbox/"),
}


def count_label(n: int) -> str:
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)


def point_label(size: int, share: float) -> str:
    """The name of a point of scenario 2, the same for Vikno and the peer: "4k open"."""
    return f"{count_label(round(size * share))} open"


def _requests(ctx: Context) -> int:
    return 15 if ctx.size >= 500_000 else 20


def open_count() -> int:
    from vikno.appeals.models import Appeal

    return Appeal.objects.open().count()


def close_down_to(target: int, seed: int = 7) -> int:
    """Close open appeals (chosen at random, seeded) until `target` remain open: bulk
    UPDATEs of the appeals and of their active assignments. Returns how many were closed."""
    from django.db import connection, transaction

    from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES, OPEN_STATUSES
    from vikno.appeals.models import Appeal, Assignment
    from vikno.core.clock import now

    ids = sorted(Appeal.objects.open().values_list("pk", flat=True))
    surplus = len(ids) - target
    if surplus <= 0:
        return 0
    random.Random(seed).shuffle(ids)  # noqa: S311 - a reproducible choice, not a secret
    closing = ids[:surplus]
    moment = connection.ops.adapt_datetimefield_value(now())
    appeal = Appeal._meta.db_table
    assignment = Assignment._meta.db_table
    open_ = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
    active = ", ".join(f"'{s}'" for s in sorted(ACTIVE_ASSIGNMENT_STATES))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_closing (id bigint PRIMARY KEY)")
        for start in range(0, len(closing), 50_000):
            cursor.executemany(
                "INSERT INTO bench_closing VALUES (%s)",
                [(pk,) for pk in closing[start : start + 50_000]],
            )
        cursor.execute(
            f"""UPDATE {appeal} SET status = 'closed', outcome = 'resolved', closed_at = %s,
                updated_at = %s
            WHERE status IN ({open_}) AND id IN (SELECT id FROM bench_closing)""",
            [moment, moment],
        )
        cursor.execute(
            f"""UPDATE {assignment} SET state = 'executed', executed_at = %s
            WHERE state IN ({active}) AND appeal_id IN (SELECT id FROM bench_closing)""",
            [moment],
        )
        cursor.execute("DROP TABLE bench_closing")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return surplus


def run(ctx: Context) -> list[Figure]:
    from bench.http import latencies_ms
    from bench.serve import serve_baseline, serve_vikno

    NOTES.clear()
    cookies = {"operator": ctx.operator_cookie(), "executor": ctx.executor_cookie()}
    n = _requests(ctx)
    figures: list[Figure] = []
    p50_at: dict[tuple[str, float], float] = {}
    with serve_vikno(ctx) as vikno, serve_baseline(ctx) as baseline:
        for share in SHARES:
            target = round(ctx.size * share)
            closed = close_down_to(target)
            now_open = open_count()
            point = point_label(ctx.size, share)
            NOTES.append(
                f"Scenario 2, {point}: {now_open:,} appeals open ({closed:,} closed before)."
            )
            pages = {BASELINE: (baseline.url, None)}
            for label, (who, path) in PAGES.items():
                pages[label] = (vikno.url.rstrip("/") + path, cookies[who])
            samples: dict[str, tuple[list[float], list[float]]] = {
                label: ([], []) for label in pages
            }
            for url, cookie in pages.values():
                latencies_ms(url, 3, cookies=cookie)  # warm up
            for _ in range(ctx.repeats):
                for label, (url, cookie) in pages.items():
                    times = latencies_ms(url, n, cookies=cookie)
                    samples[label][0].append(percentile(times, 50))
                    samples[label][1].append(percentile(times, 99))
            for label, (p50s, p99s) in samples.items():
                mine = label != BASELINE
                p50_at[(label, share)] = statistics.median(p50s)
                figures.append(
                    Figure(
                        scenario=2,
                        label=label,
                        engine=ctx.engine,
                        metric="p50 ms",
                        samples=p50s,
                        point=point,
                        baseline=BASELINE if mine else None,
                        target="< 5× baseline" if mine else "",
                    )
                )
                figures.append(
                    Figure(
                        scenario=2,
                        label=label,
                        engine=ctx.engine,
                        metric="p99 ms",
                        samples=p99s,
                        point=point,
                        baseline=BASELINE if mine else None,
                    )
                )
    low, high = min(SHARES), max(SHARES)
    span = f"{point_label(ctx.size, low)} → {point_label(ctx.size, high)}"
    for label in [BASELINE, *PAGES]:
        growth = p50_at[(label, high)] / p50_at[(label, low)]
        mine = label != BASELINE
        figures.append(
            Figure(
                scenario=2,
                label=label,
                engine=ctx.engine,
                metric="p50 growth ×",
                samples=[growth],
                point=span,
                target="< 1.5 (flat in N)" if mine else "",
                ok=growth < 1.5 if mine else None,
            )
        )
    return figures
