"""Scenario 4: the deadline indicators and the counts of a year of appeals: p50.

Vikno: vikno.feedback.selectors.indicators (share answered late, complaints per 1000,
average rating, confirmations: sums of the daily tallies after their refresh, and the
open appeals past their term) and
vikno.statistics.selectors.appeal_counts by category, executor and territory, for the last
365 days. Baselines: the same numbers by hand-written SQL (conditional aggregates and a
GROUP BY) over the same rows. Target: p50 under 300 ms and under 3× the SQL.
"""

# ruff: noqa: S608 - the SQL is built from table names and constants; values are parameters

from __future__ import annotations

from datetime import timedelta

from bench.context import Context
from bench.measure import Figure, percentile, timed_ms

TARGET = "< 300 ms; < 3× baseline"


def _calls(ctx: Context) -> int:
    return 5 if ctx.size >= 500_000 else 10


def run(ctx: Context) -> list[Figure]:
    from django.db import connection

    from vikno.appeals.choices import FINAL_STATUSES, OPEN_STATUSES
    from vikno.appeals.models import Appeal
    from vikno.core.clock import local_date, now, start_of_local_day
    from vikno.feedback.models import FeedbackRequest, Rating
    from vikno.feedback.selectors import indicators
    from vikno.statistics.selectors import appeal_counts
    from vikno.statistics.services import COLUMNS

    moment = now()
    date_to = local_date(moment)
    date_from = date_to - timedelta(days=365)
    start = start_of_local_day(date_from)
    end = start_of_local_day(date_to + timedelta(days=1))
    ops = connection.ops
    period = [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
    at = ops.adapt_datetimefield_value(moment)
    appeal = Appeal._meta.db_table
    rating = Rating._meta.db_table
    feedback = FeedbackRequest._meta.db_table
    final = ", ".join(f"'{s}'" for s in sorted(FINAL_STATUSES))
    open_ = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
    true = "true" if connection.vendor == "postgresql" else "1"

    def vikno_indicators() -> None:
        indicators(date_from=date_from, date_to=date_to, organization_ids=None, at=moment)

    def raw_indicators() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT COUNT(*),
                    SUM(CASE WHEN (status IN ({final}) AND closed_at > due_at)
                        OR (status IN ({open_}) AND due_at < %s) THEN 1 ELSE 0 END),
                    SUM(CASE WHEN kind = 'complaint' THEN 1 ELSE 0 END)
                FROM {appeal} WHERE received_at >= %s AND received_at < %s""",
                [at, *period],
            )
            cursor.fetchall()
            cursor.execute(
                f"""SELECT COUNT(*), AVG(r.score) FROM {rating} r
                JOIN {appeal} a ON a.id = r.appeal_id
                WHERE a.received_at >= %s AND a.received_at < %s""",
                period,
            )
            cursor.fetchall()
            cursor.execute(
                f"""SELECT COUNT(*), SUM(CASE WHEN f.confirmed = {true} THEN 1 ELSE 0 END)
                FROM {feedback} f JOIN {appeal} a ON a.id = f.appeal_id
                WHERE f.answered_at IS NOT NULL
                AND a.received_at >= %s AND a.received_at < %s""",
                period,
            )
            cursor.fetchall()

    cases = [
        ("indicators (share late, complaints per 1000, rating)", vikno_indicators, raw_indicators)
    ]
    for by, column in COLUMNS.items():

        def vikno_counts(by: str = by) -> None:
            appeal_counts(date_from=date_from, date_to=date_to, by=by)

        def raw_counts(column: str = column) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {column}, COUNT(*) FROM {appeal} "
                    f"WHERE received_at >= %s AND received_at < %s GROUP BY {column}",
                    period,
                )
                cursor.fetchall()

        cases.append((f"counts by {by}", vikno_counts, raw_counts))

    figures = []
    n = _calls(ctx)
    for name, mine, theirs in cases:
        mine_p50, theirs_p50 = [], []
        mine()
        theirs()
        for _ in range(ctx.repeats):
            mine_p50.append(percentile(timed_ms(mine, n), 50))
            theirs_p50.append(percentile(timed_ms(theirs, n), 50))
        baseline = f"hand-written SQL: {name}"
        figures += [
            Figure(
                scenario=4,
                label=f"Vikno {name}",
                engine=ctx.engine,
                metric="p50 ms",
                samples=mine_p50,
                baseline=baseline,
                target=TARGET,
            ),
            Figure(
                scenario=4, label=baseline, engine=ctx.engine, metric="p50 ms", samples=theirs_p50
            ),
        ]
    return figures
