# ruff: noqa: S608 - the SQL is built from table names and constants only; values are parameters
"""Scenario 3: the deadline sweeps over all appeals, against raw SQL doing the same writes.

Vikno: vikno.sweeps.services.reminders_sweep + escalations_sweep at one fixed moment
(what the worker's periodic task runs every minute): for every active assignment of an
open appeal whose reminder moment came or whose term passed, one DeadlineAlert row and
the outbox rows of notify() (in-app and email to each recipient).

Raw SQL: the same selections as INSERT … SELECT statements — the same DeadlineAlert rows,
and the same Notification rows (same keys, recipients, channels), with the template's
text copied instead of rendered per recipient. The recipients per organization (a few
dozen rows) are computed once in Python, as the services do.

Both start from the same state: the alerts and the outbox are emptied before each
repeat. rows/s = assignments alerted per second.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bench.context import Context
from bench.measure import Figure

NOTES: list[str] = []
# A repeat of the Vikno sweep at 1M takes minutes: no new repeat after this many seconds
# (at least one sample is always taken).
BUDGET_SECONDS = 200


def reset() -> None:
    """Empty what the sweeps write: alerts, the outbox, the queue of delivery tasks."""
    from django.db import connection, transaction
    from huey.contrib.djhuey import HUEY

    from vikno.notifications.models import Notification
    from vikno.sweeps.models import DeadlineAlert, DigestRun

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (DeadlineAlert, DigestRun, Notification):
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    HUEY.flush()


def counts() -> tuple[int, int]:
    from vikno.notifications.models import Notification
    from vikno.sweeps.models import DeadlineAlert

    return DeadlineAlert.objects.count(), Notification.objects.count()


def vikno_sweep(moment: datetime) -> int:
    from vikno.sweeps.services import escalations_sweep, reminders_sweep

    return reminders_sweep(moment) + escalations_sweep(moment)


def _recipients(moment: datetime) -> list[tuple]:
    """(alert kind, organization id, user id, channel, address) as notify() would choose."""
    from vikno.notifications.services import organization_heads, organization_staff
    from vikno.reference.models import Organization

    rows = []
    organizations = list(Organization.objects.all())
    staff: dict[int, list] = {}
    for user in organization_staff(organizations):
        staff.setdefault(user.organization_id, []).append(user)
    for organization in organizations:
        for kind, users in (
            ("reminder", staff.get(organization.pk, [])),
            ("overdue", organization_heads(organization)),
        ):
            for user in users:
                rows.append((kind, organization.pk, user.pk, "in_app", ""))
                if user.email:
                    rows.append((kind, organization.pk, user.pk, "email", user.email))
    return rows


def raw_sweep(moment: datetime) -> int:
    """The same writes in set-based SQL; returns the number of alerts written."""
    from django.conf import settings
    from django.db import connection, transaction

    from vikno.accounts.models import User
    from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES, OPEN_STATUSES
    from vikno.appeals.models import Appeal, Assignment
    from vikno.notifications.models import Notification, NotificationTemplate
    from vikno.sweeps.models import DeadlineAlert

    pg = connection.vendor == "postgresql"
    alert = DeadlineAlert._meta.db_table
    assignment = Assignment._meta.db_table
    appeal = Appeal._meta.db_table
    outbox = Notification._meta.db_table
    template = NotificationTemplate._meta.db_table
    user = User._meta.db_table
    active = ", ".join(f"'{s}'" for s in sorted(ACTIVE_ASSIGNMENT_STATES))
    open_ = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
    epoch = (
        "CAST(CAST(EXTRACT(EPOCH FROM a.due_at) AS bigint) AS text)"
        if pg
        else "CAST(strftime('%%s', a.due_at) AS text)"
    )

    def minus_hours(column: str, hours: int) -> str:
        if pg:
            return f"{column} - interval '{int(hours)} hours'"
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {column}, '-{int(hours)} hours')"

    def at(value: datetime):
        # The column's stored form (SQLite: naive UTC text, as Django writes it).
        return connection.ops.adapt_datetimefield_value(value)

    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_recipient"
            " (kind text, org bigint, uid bigint, channel text, address text)"
        )
        cursor.executemany(
            "INSERT INTO bench_recipient VALUES (%s, %s, %s, %s, %s)", _recipients(moment)
        )
        selections = []
        for term, offsets in settings.VIKNO_REMINDERS.items():
            for hours in sorted(set(offsets), reverse=True):
                selections.append(
                    (
                        "reminder",
                        term,
                        hours,
                        f"ap.term = '{term}' AND a.due_at > %s AND a.due_at <= %s "
                        f"AND a.created_at <= {minus_hours('a.due_at', hours)}",
                        [at(moment), at(moment + timedelta(hours=hours))],
                    )
                )
        selections.append(("overdue", "", 0, "a.due_at < %s", [at(moment)]))
        for kind, term, hours, condition, params in selections:
            event = "deadline_reminder" if kind == "reminder" else "deadline_overdue"
            key = (
                f"'reminder:' || CAST(a.id AS text) || ':' || {epoch} || ':{hours}h'"
                if kind == "reminder"
                else f"'overdue:' || CAST(a.id AS text) || ':' || {epoch}"
            )
            cursor.execute(
                f"""INSERT INTO {alert} (assignment_id, kind, due_at, hours_before, created_at)
                SELECT a.id, '{kind}', a.due_at, {hours}, %s
                FROM {assignment} a JOIN {appeal} ap ON ap.id = a.appeal_id
                WHERE a.state IN ({active}) AND ap.status IN ({open_}) AND {condition}
                AND NOT EXISTS (SELECT 1 FROM {alert} d WHERE d.assignment_id = a.id
                    AND d.kind = '{kind}' AND d.due_at = a.due_at AND d.hours_before = {hours})
                ON CONFLICT DO NOTHING""",
                [at(moment), *params],
            )
            total += cursor.rowcount
            # The outbox rows of the alerts just written: the organization's recipients,
            # and for an escalation the one who forwarded it.
            recipients = (
                "SELECT r.org, r.uid, r.channel, r.address FROM bench_recipient r "
                f"WHERE r.kind = '{kind}' AND r.org = a.organization_id"
            )
            if kind == "overdue":
                recipients += (
                    f" UNION SELECT a.organization_id, u.id, 'in_app', '' FROM {user} u "
                    "WHERE u.id = a.assigned_by_id AND u.is_active"
                    f" UNION SELECT a.organization_id, u.id, 'email', u.email FROM {user} u "
                    "WHERE u.id = a.assigned_by_id AND u.is_active AND u.email <> ''"
                )
            lateral = "CROSS JOIN LATERAL" if pg else "JOIN"
            # The alerts of this term only (two terms share the same hours before).
            of_term = (
                f"JOIN {appeal} ap ON ap.id = a.appeal_id AND ap.term = '{term}'" if term else ""
            )
            if pg:
                join = f"{lateral} ({recipients}) rc"
            else:
                # SQLite has no LATERAL: the same recipients as a plain join.
                join = (
                    "JOIN (SELECT r.kind, r.org, r.uid, r.channel, r.address FROM bench_recipient r"
                    f" WHERE r.kind = '{kind}') rc ON rc.org = a.organization_id"
                )
            cursor.execute(
                f"""INSERT INTO {outbox} (key, event, channel, appeal_id, recipient_user_id,
                    address, subject, body_text, body_html, state, attempts, next_attempt_at,
                    last_error, provider_id, created_at)
                SELECT {key} || ':' || rc.channel || ':user' || CAST(rc.uid AS text),
                    '{event}', rc.channel, a.appeal_id, rc.uid, rc.address, t.subject, t.body,
                    '', 'pending', 0, %s, '', '', %s
                FROM {alert} d JOIN {assignment} a ON a.id = d.assignment_id
                {join}
                JOIN {template} t ON t.event = '{event}' AND t.channel = rc.channel
                {of_term}
                WHERE d.created_at = %s AND d.kind = '{kind}' AND d.hours_before = {hours}
                ON CONFLICT DO NOTHING""",
                [at(moment)] * 3,
            )
            if kind == "overdue" and not pg:
                cursor.execute(
                    f"""INSERT INTO {outbox} (key, event, channel, appeal_id, recipient_user_id,
                        address, subject, body_text, body_html, state, attempts,
                        next_attempt_at, last_error, provider_id, created_at)
                    SELECT {key} || ':' || ch.channel || ':user' || CAST(u.id AS text),
                        '{event}', ch.channel, a.appeal_id, u.id,
                        CASE ch.channel WHEN 'email' THEN u.email ELSE '' END,
                        t.subject, t.body, '', 'pending', 0, %s, '', '', %s
                    FROM {alert} d JOIN {assignment} a ON a.id = d.assignment_id
                    JOIN {user} u ON u.id = a.assigned_by_id AND u.is_active
                    JOIN (SELECT 'in_app' AS channel UNION SELECT 'email') ch
                        ON ch.channel = 'in_app' OR u.email <> ''
                    JOIN {template} t ON t.event = '{event}' AND t.channel = ch.channel
                    WHERE d.created_at = %s AND d.kind = 'overdue'
                    ON CONFLICT DO NOTHING""",
                    [at(moment)] * 3,
                )
        cursor.execute("DROP TABLE bench_recipient")
    return total


def _measure(fn, moment: datetime, repeats: int) -> tuple[list[float], list[int], tuple]:
    rates, rows = [], []
    made: tuple = (0, 0)
    spent = 0.0
    for _ in range(repeats):
        reset()
        started = time.perf_counter()
        n = fn(moment)
        elapsed = time.perf_counter() - started
        made = counts()
        rows.append(n)
        rates.append(n / elapsed if elapsed else 0.0)
        spent += elapsed
        if spent > BUDGET_SECONDS:
            break
    return rates, rows, made


# One Vikno sweep runs in a child process stopped after this many seconds: the alerts are
# committed batch by batch, so alerts written / time is its rate even when cut short.
CAP_SECONDS = 150
_CHILD = (
    "import sys, time, django; django.setup(); from datetime import datetime; "
    "from bench.scenarios.sweep import vikno_sweep; m = datetime.fromisoformat(sys.argv[1]); "
    "print(time.time(), flush=True); n = vikno_sweep(m); print(time.time(), n, flush=True)"
)


def _vikno_capped(ctx: Context, moment: datetime) -> tuple[float, int, int, bool]:
    """(rows/s, alerts, outbox rows, finished) of one Vikno sweep in a child process."""
    import subprocess

    from bench.context import REPO

    reset()
    child = subprocess.Popen(  # noqa: S603 - our own python, fixed code
        [str(ctx.python), "-c", _CHILD, moment.isoformat()],
        env=ctx.env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.stdout is None:  # for mypy: stdout=PIPE always gives one
        raise RuntimeError("no pipe")
    start = float(child.stdout.readline())  # once Django is set up
    try:
        child.wait(timeout=CAP_SECONDS)
        end = float(child.stdout.readline().split()[0])
        finished = True
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        end = time.time()
        finished = False
    alerts, outbox = counts()
    return alerts / (end - start), alerts, outbox, finished


def run(ctx: Context) -> list[Figure]:
    from vikno.core import clock

    NOTES.clear()
    moment = clock.now()
    raw_rates, raw_rows, raw_made = _measure(raw_sweep, moment, ctx.repeats)
    vikno_rates: list[float] = []
    spent = 0.0
    for _ in range(ctx.repeats):
        started = time.perf_counter()
        rate, alerts, outbox, finished = _vikno_capped(ctx, moment)
        vikno_rates.append(rate)
        spent += time.perf_counter() - started
        if spent > BUDGET_SECONDS:
            break
    reset()
    NOTES.append(
        f"Scenario 3: the Vikno sweep {'handled' if finished else 'was stopped after'} "
        f"{'' if finished else f'{CAP_SECONDS} s, having handled '}{alerts:,} assignments "
        f"(reminders and escalations: {alerts:,} alerts, {outbox:,} outbox rows); the raw SQL "
        f"wrote {raw_made[0]:,} alerts and {raw_made[1]:,} outbox rows "
        f"({raw_rows[-1]:,} assignments) each repeat."
    )
    raw = "raw SQL INSERT … SELECT (same rows)"
    return [
        Figure(
            scenario=3,
            label="Vikno deadline sweeps (reminders + escalations)",
            engine=ctx.engine,
            metric="rows/s",
            samples=vikno_rates,
            baseline=raw,
            target="≥ 0.333× baseline (within 3× of raw SQL)",
        ),
        Figure(scenario=3, label=raw, engine=ctx.engine, metric="rows/s", samples=raw_rates),
    ]
