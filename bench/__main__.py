"""`python -m bench`: generate the data, run the scenarios, write bench/RESULTS.md.

    python -m bench --engine sqlite --size 20000          # the whole run on SQLite
    bin/with-postgres python -m bench --engine postgresql  # ... on PostgreSQL (DATABASE_URL)
    python -m bench --engine sqlite --size 20000 --only queue,sweep --no-generate

Subcommands run inside Django against the bench database (the runner calls them with
the Context's environment): `generate --size N`, `credentials`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _django() -> None:
    import django

    django.setup()


def _cmd_generate(args: argparse.Namespace) -> None:
    var_dir = Path(os.environ["VIKNO_VAR_DIR"])
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite"):
        # A fresh file: delete it (and the queue) before Django opens it.
        for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "huey.sqlite3"):
            (var_dir / name).unlink(missing_ok=True)
    for name in ("huey.sqlite3", "huey.sqlite3-wal", "huey.sqlite3-shm"):
        (var_dir / name).unlink(missing_ok=True)
    _django()
    from bench import generate

    summary = generate.run(size=args.size, var_dir=var_dir, seed=args.seed)
    print(json.dumps(summary))


def _cmd_credentials(args: argparse.Namespace) -> None:
    _django()
    from bench.context import mint_credentials

    print(json.dumps(mint_credentials(Path(os.environ["VIKNO_VAR_DIR"]))))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "generate":
        parser = argparse.ArgumentParser(prog="python -m bench generate")
        parser.add_argument("--size", type=int, required=True)
        parser.add_argument("--seed", type=int, default=20260601)
        _cmd_generate(parser.parse_args(argv[1:]))
        return 0
    if argv and argv[0] == "credentials":
        _cmd_credentials(argparse.Namespace())
        return 0
    from bench.runner import main as run_main

    return run_main(argv)


if __name__ == "__main__":
    sys.exit(main())
