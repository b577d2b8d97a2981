"""The bench's side of the peer: its venv, its database, its tool, its server.

- ``ensure_venv()``: var/bench/helpdesk-venv with exactly bench/peer/requirements.txt
  (django-helpdesk from PyPI, pinned), made once and reused while the pins are the same;
- ``database_url(ctx)``: the peer's own database on the run's engine: the SQLite file
  var_dir/helpdesk.sqlite3, or the database ``<name>_helpdesk`` on the run's PostgreSQL
  server (created when missing);
- ``Peer(ctx).prepare(open_)``: migrate, the staff user, its token and session, one queue,
  and ``ctx.size`` tickets (``open_`` of them open) loaded in bulk; reused when the
  tickets are already there (the tickets scenario 1 made through the API are deleted);
- ``Peer.set_open(n)``: close or reopen tickets until n are open;
- ``serve_peer(ctx)`` (bench/serve.py) serves it the same way as Vikno.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.context import REPO, Context

VENV = REPO / "var" / "bench" / "helpdesk-venv"
REQUIREMENTS = Path(__file__).with_name("requirements.txt")
HELPDESK_VERSION = "2.6.1"  # the pin in requirements.txt


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """The peer's python, with the pinned requirements installed (once)."""
    want = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / ".bench-requirements"
    if venv_python().exists() and stamp.exists() and stamp.read_text().strip() == want:
        return venv_python()
    if not venv_python().exists():
        subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "venv", str(VENV)], check=True
        )
    subprocess.run(  # noqa: S603 - the venv's pip, fixed arguments
        [
            str(VENV / "bin" / "pip"),
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(REQUIREMENTS),
        ],
        check=True,
    )
    stamp.write_text(want)
    return venv_python()


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path=f"/{dbname}")), autocommit=True) as c:
        c.execute(sql)  # type: ignore[arg-type]


def database_url(ctx: Context, *, fresh: bool = False) -> str:
    """The peer's own database on the run's engine (made afresh when `fresh`)."""
    if ctx.database_url is None:
        path = ctx.var_dir / "helpdesk.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(ctx.database_url)
    name = parts.path.lstrip("/") + "_helpdesk"
    import psycopg

    with psycopg.connect(ctx.database_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return urlunsplit(parts._replace(path=f"/{name}"))


class Peer:
    """django-helpdesk on the run's engine, filled with ctx.size tickets."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.python = ensure_venv()
        self.url = database_url(ctx)
        self.credentials: dict = {}
        self.load_result: dict = {}

    @property
    def env(self) -> dict[str, str]:
        return {
            **self.ctx.env,
            "DJANGO_SETTINGS_MODULE": "bench.peer.settings",
            "BENCH_PEER_DATABASE_URL": self.url,
            "PYTHONPATH": str(REPO),
        }

    def tool(self, *args: str) -> dict:
        done = subprocess.run(  # noqa: S603 - the peer's python, our own arguments
            [str(self.python), "-m", "bench.peer.tool", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench.peer.tool {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def prepare(self, open_: int) -> dict:
        """Migrated, signed in, ctx.size tickets of which `open_` open."""
        self.credentials = self.tool("setup")
        result = self.tool("load", "--total", str(self.ctx.size), "--open", str(open_))
        if "mismatch" in result:
            self.url = database_url(self.ctx, fresh=True)
            self.credentials = self.tool("setup")
            result = self.tool("load", "--total", str(self.ctx.size), "--open", str(open_))
        self.load_result = result
        return result

    def set_open(self, n: int) -> dict:
        return self.tool("set-open", str(n))

    def token_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.credentials['token']}"}

    def basic_headers(self) -> dict[str, str]:
        pair = f"{self.credentials['username']}:{self.credentials['password']}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}

    def cookies(self) -> dict[str, str]:
        return {"sessionid": self.credentials["session"]}
