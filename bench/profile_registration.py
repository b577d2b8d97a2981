"""`python -m bench.profile_registration`: where one registration through the API goes.

Registers N appeals (the bodies of scenario 1) through Vikno's API in this process
(Django's test client: the whole middleware stack and the view, no HTTP server) on the
bench database of the last run (var/bench/<engine>, or --var-dir), then prints the
queries of one registration and the cProfile of N, sorted by cumulative time.

    .venv/bin/python -m bench.profile_registration --n 100
    bin/with-postgres ... (PostgreSQL: pass --engine postgresql with DATABASE_URL set)
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
import uuid
from pathlib import Path

from bench.context import REPO, make_context


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_registration")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    var_dir = Path(args.var_dir) if args.var_dir else REPO / "var" / "bench" / args.engine
    ctx = make_context(
        engine=args.engine,
        size=0,
        repeats=1,
        database_url=os.environ.get("DATABASE_URL") if args.engine == "postgresql" else None,
        var_dir=var_dir,
    )
    ctx.env["VIKNO_ALLOWED_HOSTS"] = "testserver"
    os.environ.update(ctx.env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.scenarios.registration import vikno_bodies

    bodies = vikno_bodies()
    client = Client()
    auth = f"Bearer {ctx.api_key()}"

    def register(i: int) -> None:
        answer = client.post(
            "/api/v1/appeals",
            bodies[i % len(bodies)],
            content_type="application/json",
            headers={"Authorization": auth, "Idempotency-Key": uuid.uuid4().hex},
        )
        if answer.status_code != 201:
            raise SystemExit(f"{answer.status_code}: {answer.content[:300]!r}")

    for i in range(5):  # warm: imports, templates, the first connection
        register(i)
    with CaptureQueriesContext(connection) as queries:
        register(5)
    print(f"{len(queries.captured_queries)} queries in one registration:")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:5.1f} ms  {query['sql'][:110]}")
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for i in range(args.n):
        register(i)
    profile.disable()
    elapsed = time.perf_counter() - started
    print(f"\n{args.n} registrations: {elapsed * 1000 / args.n:.1f} ms each (under cProfile)\n")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.lines)


if __name__ == "__main__":
    main()
