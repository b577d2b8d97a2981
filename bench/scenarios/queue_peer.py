"""Scenario 2, the peer's side: django-helpdesk's staff ticket list at the same open counts.

django-helpdesk's staff list is two requests: the page ``/tickets/?status=1&status=2
&sort=due_date`` (filters, saved queries; the table is empty in the HTML) and the rows
it then fetches, ``/datatables_ticket_list/<query>?start=0&length=25&order[0][column]=6
&order[0][dir]=asc`` (25 open or reopened tickets sorted by due date, with the total
and filtered counts, as JSON). Both are read by the signed-in staff user over one
keep-alive connection (bench/http.latencies_ms), served the same way as Vikno
(bench/serve.py), at 40 %, 4 % and 0.4 % of ``ctx.size`` tickets open (bulk UPDATEs
between the points, bench/peer/tool.py set-open). The ratios are to the minimal Django
JSON view measured by scenario 2 (bench/scenarios/queue.py) at the same point.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
from urllib.parse import urlencode

from bench.context import Context
from bench.measure import Figure, percentile

NOTES: list[str] = []
SHARES = (0.4, 0.04, 0.004)  # the same points as bench/scenarios/queue.py
BASELINE = "minimal Django JSON view"
PAGE = "django-helpdesk staff ticket list: page (open, by due date)"
ROWS = "django-helpdesk staff ticket list: 25 rows (JSON, open, by due date)"
BUDGET_SECONDS = 30.0  # per page and point: fewer requests when the peer is slow


def point_label(size: int, share: float) -> str:
    from bench.scenarios.queue import point_label as vikno_point_label

    return vikno_point_label(size, share)


def rows_path() -> str:
    query = {
        "filtering": {"status__in": [1, 2]},
        "filtering_null": {},
        "sorting": "due_date",
        "sortreverse": False,
        "search_string": "",
    }
    encoded = base64.b64encode(json.dumps(query).encode("utf-8")).decode("ascii")
    params = urlencode(
        {"draw": 1, "start": 0, "length": 25, "order[0][column]": 6, "order[0][dir]": "asc"}
    )
    return f"datatables_ticket_list/{encoded}?{params}"


PAGE_PATH = "tickets/?status=1&status=2&sort=due_date"


def _requests(ctx: Context) -> int:
    return 30 if ctx.size >= 500_000 else 40


def run(ctx: Context) -> list[Figure]:
    from bench.http import latencies_ms
    from bench.peer.harness import Peer
    from bench.serve import serve_peer

    NOTES.clear()
    peer = Peer(ctx)
    started = time.perf_counter()
    loaded = peer.prepare(round(ctx.size * max(SHARES)))
    NOTES.append(
        f"Scenario 2 (django-helpdesk): {ctx.size:,} tickets with their opening follow-ups "
        + (
            f"loaded in {time.perf_counter() - started:.0f} s."
            if loaded.get("loaded")
            else "reused from the last run."
        )
    )
    figures: list[Figure] = []
    p50_at: dict[tuple[str, float], float] = {}
    with serve_peer(ctx, peer) as server:
        pages = {PAGE: server.url + PAGE_PATH, ROWS: server.url + rows_path()}
        for share in SHARES:
            state = peer.set_open(round(ctx.size * share))
            point = point_label(ctx.size, share)
            NOTES.append(f"Scenario 2 (django-helpdesk), {point}: {state['open']:,} open.")
            n = {}
            for label, url in pages.items():
                warm = latencies_ms(url, 2, cookies=peer.cookies())
                per_call = max(warm[-1] / 1000, 1e-3)
                budget = int(BUDGET_SECONDS / ctx.repeats / per_call)
                n[label] = max(3, min(_requests(ctx), budget))
            samples: dict[str, tuple[list[float], list[float]]] = {
                label: ([], []) for label in pages
            }
            for _ in range(ctx.repeats):
                for label, url in pages.items():
                    times = latencies_ms(url, n[label], cookies=peer.cookies())
                    samples[label][0].append(percentile(times, 50))
                    samples[label][1].append(percentile(times, 99))
            for label, (p50s, p99s) in samples.items():
                p50_at[(label, share)] = statistics.median(p50s)
                if n[label] < _requests(ctx):
                    NOTES.append(
                        f"Scenario 2 (django-helpdesk), {point}: {label}: {n[label]} requests "
                        "per run (slow: the run's time budget)."
                    )
                for metric, values in (("p50 ms", p50s), ("p99 ms", p99s)):
                    figures.append(
                        Figure(
                            scenario=2,
                            label=label,
                            engine=ctx.engine,
                            metric=metric,
                            samples=values,
                            point=point,
                            baseline=BASELINE,
                        )
                    )
        peak = server.peak_rss_mb()
    low, high = min(SHARES), max(SHARES)
    span = f"{point_label(ctx.size, low)} → {point_label(ctx.size, high)}"
    for label in pages:
        figures.append(
            Figure(
                scenario=2,
                label=label,
                engine=ctx.engine,
                metric="p50 growth ×",
                samples=[p50_at[(label, high)] / p50_at[(label, low)]],
                point=span,
            )
        )
    figures.append(
        Figure(
            scenario=6,
            label="web worker: django-helpdesk (uvicorn, scenario 2)",
            engine=ctx.engine,
            metric="peak RSS MB",
            samples=[peak],
        )
    )
    return figures
