"""The run: generate the data once, run every scenario, save the figures, write RESULTS.md.

One run is one engine at one size. The figures are kept as JSON in
var/bench/results/<size>-<engine>.json and bench/RESULTS.md gets (only) the block of
that size and engine rewritten, so a small run never erases the 1M results.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.context import REPO, Context, make_context
from bench.measure import Figure

# The order matters: the scenarios that need 40 % of the appeals open (and the due and
# overdue ones untouched) run first; `queue` closes the surplus open appeals as it goes
# from 40 % to 0.4 % open, so it and the peer's queue come last.
SCENARIOS = [
    "search",  # 5
    "indicators",  # 4
    "sweep",  # 3
    "memory",  # 6: the task worker (runs the sweep again on a reset)
    "queue",  # 2: Vikno's operator queue and executor inbox (closes open appeals)
    "registration",  # 1 (bench-http) and the web workers' peak RSS (6)
    "queue_peer",  # 2: django-helpdesk's ticket list (bench-http, its own tables)
]
RESULTS_DIR = REPO / "var" / "bench" / "results"


def _default_engine() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default=_default_engine())
    parser.add_argument("--size", type=int, default=int(os.environ.get("BENCH_SIZE", "20000")))
    parser.add_argument("--repeats", type=int, default=0, help="default: 3")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--skip", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--no-generate", action="store_true", help="reuse the database of the last run"
    )
    parser.add_argument("--var-dir", default="", help="default: var/bench/<engine>")
    parser.add_argument("--no-report", action="store_true", help="do not touch RESULTS.md")
    return parser.parse_args(argv)


def machine(ctx: Context) -> dict[str, str]:
    """What the figures were measured on."""
    info: dict[str, str] = {}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = str(os.cpu_count())
    try:
        meminfo = Path("/proc/meminfo").read_text().split()
        info["memory"] = f"{int(meminfo[meminfo.index('MemTotal:') + 1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        info["memory"] = "?"
    try:
        release = Path("/etc/os-release").read_text()
        pretty = [line for line in release.splitlines() if line.startswith("PRETTY_NAME=")]
        info["os"] = pretty[0].split("=", 1)[1].strip('"') if pretty else platform.platform()
    except OSError:
        info["os"] = platform.platform()
    info["kernel"] = platform.release()
    info["python"] = platform.python_version()
    import sqlite3

    import django

    info["django"] = django.get_version()
    info["sqlite"] = sqlite3.sqlite_version
    return info


def engine_settings() -> dict[str, str]:
    """The database server's version and the settings that matter for speed."""
    from django.db import connection

    settings: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            settings["version"] = cursor.fetchone()[0].split(" on ")[0]
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "fsync",
                "synchronous_commit",
                "full_page_writes",
                "max_connections",
                "jit",
            ):
                cursor.execute(f"SHOW {name}")
                settings[name] = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            settings["version"] = cursor.fetchone()[0]
            for name in ("journal_mode", "synchronous", "cache_size", "page_size", "mmap_size"):
                cursor.execute(f"PRAGMA {name}")
                settings[name] = str(cursor.fetchone()[0])
            settings["transaction_mode"] = "IMMEDIATE"
    return settings


def generate(ctx: Context) -> dict:
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own python, fixed arguments
        [str(ctx.python), "-m", "bench", "generate", "--size", str(ctx.size)],
        env=ctx.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    return summary


def _load_avg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run(args: argparse.Namespace) -> dict:
    size = args.size
    repeats = args.repeats or 3
    var_dir = Path(args.var_dir) if args.var_dir else REPO / "var" / "bench" / args.engine
    database_url = os.environ.get("DATABASE_URL") if args.engine == "postgresql" else None
    if args.engine == "postgresql" and not database_url:
        raise SystemExit("PostgreSQL needs DATABASE_URL (run through bin/with-postgres).")
    ctx = make_context(
        engine=args.engine,
        size=size,
        repeats=repeats,
        database_url=database_url,
        var_dir=var_dir,
    )
    record: dict = {
        "engine": args.engine,
        "size": size,
        "repeats": repeats,
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_avg_at_start": _load_avg(),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "figures": [],
        "errors": {},
        "seconds": {},
        "notes": [],
    }
    print(f"==> bench: {args.engine}, {size:,} appeals, {repeats} repeats", flush=True)
    if not args.no_generate:
        print("==> generating", flush=True)
        record["generated"] = generate(ctx)
        print(f"    {record['generated']}", flush=True)
    else:
        record["generated"] = json.loads((var_dir / "generated.json").read_text())
    # From here on this process is a Django process on the bench database.
    os.environ.update(ctx.env)
    import django

    django.setup()
    record["machine"] = machine(ctx)
    record["engine_settings"] = engine_settings()
    only = {name for name in args.only.split(",") if name}
    skip = {name for name in args.skip.split(",") if name}
    for name in SCENARIOS:
        if (only and name not in only) or name in skip:
            continue
        try:
            module = importlib.import_module(f"bench.scenarios.{name}")
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("bench"):
                record["errors"][name] = f"not available: {error}"
                print(f"==> {name}: not available ({error})", flush=True)
                continue
            raise
        print(f"==> {name}", flush=True)
        started = time.perf_counter()
        try:
            figures: list[Figure] = module.run(ctx)
        except Exception as error:  # one broken scenario must not lose the others
            record["errors"][name] = "".join(traceback.format_exception(error))[-3000:]
            print(f"    FAILED: {error!r}", flush=True)
            figures = []
        record["seconds"][name] = round(time.perf_counter() - started, 1)
        record["notes"] += list(getattr(module, "NOTES", []))
        for figure in figures:
            print(f"    {figure.label} [{figure.point}] {figure.metric}: {figure.samples}")
        record["figures"] += [asdict(figure) for figure in figures]
        # Saved after every scenario: a long run stopped midway keeps what it measured.
        save(record, args)
    record["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    save(record, args)
    return record


def save(record: dict, args: argparse.Namespace) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{record['size']}-{record['engine']}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"==> figures saved in {path}", flush=True)
    if not args.no_report:
        from bench import report

        print(f"==> {report.update(record)} updated", flush=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    record = run(args)
    return 1 if record["errors"] else 0
