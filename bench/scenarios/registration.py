"""Scenario 1: registration under concurrent clients; and the web workers' peak RSS (6).

Three servers run side by side, each served the same way (bench/serve.py: uvicorn,
2 worker processes), and each gets the same load in turn: wrk with
16 connections (CLIENTS) sending requests back to back for 3 s (10 s from 500k appeals),
3 runs per server (interleaved, so a busy moment of the machine hits all alike).

- Vikno: ``POST /api/v1/appeals`` with the bench API key (``Authorization: Bearer``), a
  unique ``Idempotency-Key`` per request, bodies taken in turn from 64 appeals (leaf
  categories, territories, texts, applicants with phone and consent); answer 201.
- The minimal Django JSON views of bench/baseline/ on the same database: ``POST /rows``
  (writes one row: the fair baseline of a write, the one the target is checked against)
  and ``GET /`` (reads one row: the issue's "minimal Django JSON view"; its ratio is in
  the notes).
- django-helpdesk 2.6.1: ``POST /api/tickets/`` (DRF, token auth of a staff user; the
  ticket and its opening follow-up, as its API makes them), on its own database holding
  ``ctx.size`` tickets; answer 201. The target is checked against this one. With HTTP
  basic auth (django-helpdesk's standalone settings; every request runs PBKDF2) it
  completes too few requests under the load to give a rate: the notes give the time of
  one such request, alone, next to one with the token.

Figures: appeals/s (successful answers per second) and p99 ms (wrk's latency
percentile) per server. Targets: Vikno ≥ 0.25× the minimal write view's rate and
> 20× django-helpdesk's rate ("× django-helpdesk" figure). Scenario 6: the peak RSS
(VmHWM) of the busiest worker of each server over the whole scenario.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid

from bench.context import Context
from bench.measure import Figure

NOTES: list[str] = []
CLIENTS = 16
VIKNO = "Vikno registration API"
BASE_WRITE = "minimal Django JSON view (POST, writes one row)"
BASE_READ = "minimal Django JSON view (GET, reads one row)"
PEER = "django-helpdesk ticket API (POST /api/tickets/)"
PEER_BASIC = "django-helpdesk ticket API, HTTP basic auth"
PEER_OPEN_SHARE = 0.4  # the peer starts as Vikno's data does: 40 % open

NAMES = ["Олена Коваленко", "Петро Шевчук", "Ірина Бондаренко", "Андрій Мельник"]
STREETS = ["вул. Соборна", "просп. Перемоги", "вул. Шевченка", "вул. Київська"]
TEXTS = [
    "Третій день немає холодної води в будинку. Оголошень про відключення не було.",
    "Не працює вуличне освітлення на всій вулиці, ввечері небезпечно ходити.",
    "Після ремонту тепломережі не засипали яму біля під'їзду.",
    "Не вивозять сміття з контейнерного майданчика вже тиждень.",
]


def seconds_per_run(ctx: Context) -> int:
    return 10 if ctx.size >= 500_000 else 3


def repeats(ctx: Context) -> int:
    """Runs per server: at most 3 (4 servers × runs × seconds must fit `make bench`)."""
    return min(ctx.repeats, 3)


def vikno_bodies(count: int = 64) -> list[str]:
    """Registration requests: leaf categories and territories of the bench database."""
    from vikno.reference.models import Category, Territory

    leaves = list(
        Category.objects.filter(is_active=True, children__isnull=True)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    territories = list(Territory.objects.order_by("pk").values_list("code", flat=True))
    bodies = []
    for i in range(count):
        bodies.append(
            json.dumps(
                {
                    "kind": "complaint" if i % 3 else "proposal",
                    "channel": "phone",
                    "category": leaves[i % len(leaves)],
                    "text": TEXTS[i % len(TEXTS)],
                    "address": f"{STREETS[i % len(STREETS)]}, {i + 1}",
                    "territory": territories[i % len(territories)] if territories else None,
                    "applicant": {
                        "kind": "citizen",
                        "name": NAMES[i % len(NAMES)],
                        "phone": f"+38067{1000000 + i * 7919 % 9000000:07d}",
                        "consent": True,
                    },
                },
                ensure_ascii=False,
            )
        )
    return bodies


def peer_bodies(queue: int, count: int = 64) -> list[str]:
    return [
        json.dumps(
            {
                "queue": queue,
                "title": TEXTS[i % len(TEXTS)][:40],
                "description": TEXTS[i % len(TEXTS)],
                "submitter_email": f"applicant{i}@example.org",
                "priority": 3,
            },
            ensure_ascii=False,
        )
        for i in range(count)
    ]


def run(ctx: Context) -> list[Figure]:
    from bench.http import load, request
    from bench.peer.harness import HELPDESK_VERSION, Peer
    from bench.serve import serve_baseline, serve_peer, serve_vikno

    NOTES.clear()
    # The servers' peaks are recorded from here on (bench/serve.py: web-peaks.json).
    (ctx.var_dir / "web-peaks.json").unlink(missing_ok=True)
    seconds = seconds_per_run(ctx)
    peer = Peer(ctx)
    peer.prepare(round(ctx.size * PEER_OPEN_SHARE))
    json_type = {"Content-Type": "application/json"}
    vikno_headers = {**json_type, "Authorization": f"Bearer {ctx.api_key()}"}
    peer_headers = {**json_type, **peer.token_headers()}
    with (
        serve_vikno(ctx) as vikno,
        serve_baseline(ctx) as baseline,
        serve_peer(ctx, peer) as helpdesk,
    ):
        targets = {
            VIKNO: dict(
                url=vikno.url + "api/v1/appeals",
                method="POST",
                bodies=vikno_bodies(),
                headers=vikno_headers,
                unique_header="Idempotency-Key",
            ),
            BASE_WRITE: dict(url=baseline.url + "rows", method="POST", body="one row"),
            BASE_READ: dict(url=baseline.url, method="GET"),
            PEER: dict(
                url=helpdesk.url + "api/tickets/",
                method="POST",
                bodies=peer_bodies(peer.credentials["queue"]),
                headers=peer_headers,
            ),
        }
        # One request each first: the status must be the one a success gives (wrk
        # would count a redirect to a sign-in page as a success).
        for label, spec in targets.items():
            expected = 200 if spec["method"] == "GET" else 201
            body = (spec.get("bodies") or [spec.get("body", "")])[0].encode("utf-8")
            headers = dict(spec.get("headers", {}))
            if spec.get("unique_header"):
                headers[spec["unique_header"]] = f"bench-check-{uuid.uuid4().hex}"
            status, answer = request(
                spec["url"], spec["method"], body=body or None, headers=headers
            )
            if status != expected:
                raise AssertionError(f"{label}: {status} instead of {expected}: {answer[:300]!r}")
        rates: dict[str, list[float]] = {label: [] for label in targets}
        p99s: dict[str, list[float]] = {label: [] for label in targets}
        errors: dict[str, int] = dict.fromkeys(targets, 0)
        requests: dict[str, int] = dict.fromkeys(targets, 0)
        for spec in targets.values():  # warm up: 1 s each
            load(**spec, clients=CLIENTS, seconds=1)
        for _ in range(repeats(ctx)):
            for label, spec in targets.items():
                result = load(**spec, clients=CLIENTS, seconds=seconds)
                rates[label].append(result.rate)
                p99s[label].append(result.p99_ms)
                errors[label] += result.errors
                requests[label] += result.requests
        for label in targets:
            if errors[label] > 0.01 * requests[label]:
                raise AssertionError(
                    f"{label}: {errors[label]:,} of {requests[label]:,} requests failed "
                    f"(see {ctx.var_dir}/serve-*.log)"
                )
        # HTTP basic auth (django-helpdesk's standalone settings) one request at a time:
        # under the load it finishes too few requests in a run to give a rate.
        basic_ms = []
        token_ms = []
        for i, body in enumerate(peer_bodies(peer.credentials["queue"])[:3]):
            for headers, times in ((peer.basic_headers(), basic_ms), (peer_headers, token_ms)):
                started = time.perf_counter()
                status, _answer = request(
                    helpdesk.url + "api/tickets/",
                    "POST",
                    body=body.encode("utf-8"),
                    headers={**json_type, **headers},
                )
                times.append((time.perf_counter() - started) * 1000)
                if status != 201:
                    raise AssertionError(f"{PEER_BASIC} ({i}): {status} instead of 201")
        peaks = {
            VIKNO: vikno.peak_rss_mb(),
            "minimal Django JSON view": baseline.peak_rss_mb(),
            "django-helpdesk": helpdesk.peak_rss_mb(),
        }
    NOTES.append(
        f"Scenario 1: wrk, {CLIENTS} concurrent connections (1 thread), {seconds} s per run, "
        f"{repeats(ctx)} runs per server interleaved, after 1 s of warm-up each; every server "
        "is uvicorn with 2 worker processes on this machine. Requests (errors): "
        + ", ".join(f"{label}: {requests[label]:,} ({errors[label]})" for label in targets)
        + "."
    )
    NOTES.append(
        f"Scenario 1: the peer is django-helpdesk {HELPDESK_VERSION} (PyPI) in its own venv, "
        f"on its own {ctx.engine} database with {ctx.size:,} tickets; the target is checked "
        "against its API with DRF token auth; with HTTP basic auth (its standalone "
        "settings) every request also hashes the password (PBKDF2)."
    )
    median = {label: statistics.median(values) for label, values in rates.items()}
    if median[BASE_READ]:
        NOTES.append(
            f"Scenario 1: Vikno's rate is {median[VIKNO] / median[BASE_READ]:.2f}× the "
            f"minimal read view's ({median[BASE_READ]:.0f}/s) and "
            f"{median[VIKNO] / median[BASE_WRITE]:.2f}× the minimal write view's."
            if median[BASE_WRITE]
            else ""
        )
    figures: list[Figure] = []
    for label in targets:
        mine = label == VIKNO
        figures.append(
            Figure(
                scenario=1,
                label=label,
                engine=ctx.engine,
                metric="appeals/s",
                samples=rates[label],
                baseline=BASE_WRITE if mine else None,
                target="≥ 0.25× baseline" if mine else "",
                ok=(median[VIKNO] >= 0.25 * median[BASE_WRITE]) if mine else None,
            )
        )
        figures.append(
            Figure(
                scenario=1,
                label=label,
                engine=ctx.engine,
                metric="p99 ms",
                samples=p99s[label],
                baseline=BASE_WRITE if mine else None,
            )
        )
    NOTES.append(
        f"Scenario 1: one django-helpdesk ticket, alone on the server: "
        f"{statistics.median(basic_ms):.0f} ms with HTTP basic auth (its standalone "
        f"settings: the password is hashed with PBKDF2 on every request) against "
        f"{statistics.median(token_ms):.0f} ms with a DRF token (the target's figure)."
    )
    ratio = median[VIKNO] / median[PEER] if median[PEER] else float("inf")
    figures.append(
        Figure(
            scenario=1,
            label=f"{VIKNO} vs django-helpdesk",
            engine=ctx.engine,
            metric="× django-helpdesk",
            samples=[
                vikno_rate / peer_rate if peer_rate else float("inf")
                for vikno_rate, peer_rate in zip(rates[VIKNO], rates[PEER], strict=True)
            ],
            target="> 20×",
            ok=ratio > 20,
        )
    )
    for name, peak in peaks.items():
        mine = name == VIKNO
        figures.append(
            Figure(
                scenario=6,
                label=f"web worker: {name} (uvicorn, scenario 1)",
                engine=ctx.engine,
                metric="peak RSS MB",
                samples=[peak],
                target="< 200 MB" if mine else "",
                ok=peak < 200 if mine else None,
            )
        )
    return figures
