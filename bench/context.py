"""The run's context: which engine, how big, where the database is, how to reach it."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The bench's own staff accounts and API key (made by the generator; not demo accounts,
# so they work with DEBUG off like in production).
OPERATOR_USERNAME = "bench-operator"
EXECUTOR_USERNAME = "bench-executor"
API_KEY_NAME = "bench"


@dataclass
class Context:
    engine: str  # "sqlite" | "postgresql"
    size: int  # number of appeals generated
    repeats: int  # repeats of every measurement
    database_url: str | None  # None = SQLite at var_dir/db.sqlite3
    var_dir: Path  # the bench's own VIKNO_VAR_DIR
    python: Path  # the project .venv python
    # the environment for subprocesses that run Vikno against the bench database
    env: dict[str, str] = field(default_factory=dict)
    _credentials: dict[str, str] | None = field(default=None, repr=False)

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "db.sqlite3"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def credentials(self) -> dict[str, str]:
        """Session cookies of the bench operator and executor and the bench API key.

        Minted once per run by `python -m bench credentials` against the bench database
        (a real Django session row, as a sign-in would make).
        """
        if self._credentials is None:
            out = subprocess.run(  # noqa: S603 - our own python, fixed arguments
                [str(self.python), "-m", "bench", "credentials"],
                env=self.env,
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            self._credentials = json.loads(out.strip().splitlines()[-1])
        return self._credentials

    def operator_cookie(self) -> dict[str, str]:
        """Cookies of a signed-in operator: pass as `cookies=` to HTTP calls."""
        return {"sessionid": self.credentials()["operator_session"]}

    def executor_cookie(self) -> dict[str, str]:
        """Cookies of a signed-in executor of the busiest organization."""
        return {"sessionid": self.credentials()["executor_session"]}

    def api_key(self) -> str:
        """A plain API key (read, write) of an operator service account: `Bearer <key>`."""
        return self.credentials()["api_key"]


def make_context(
    *, engine: str, size: int, repeats: int, database_url: str | None, var_dir: Path
) -> Context:
    """A Context whose env runs Vikno (production settings, DEBUG off) on the bench DB."""
    var_dir.mkdir(parents=True, exist_ok=True)
    python = REPO / ".venv" / "bin" / "python"
    ctx = Context(
        engine=engine,
        size=size,
        repeats=repeats,
        database_url=database_url,
        var_dir=var_dir,
        python=python,
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIKNO_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.settings",
            "VIKNO_VAR_DIR": str(var_dir),
            "DATABASE_URL": ctx.effective_database_url,
            "VIKNO_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
            "VIKNO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VIKNO_DB_CONN_MAX_AGE": "60",
            "PYTHONPATH": str(REPO),
        }
    )
    ctx.env = env
    return ctx


def mint_credentials(var_dir: Path) -> dict[str, str]:
    """Inside Django, on the bench database: fresh sessions of the bench operator and
    executor (as a sign-in makes them) and the API key the generator made."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from vikno.accounts.models import User

    sessions = {}
    for name, username in (("operator", OPERATOR_USERNAME), ("executor", EXECUTOR_USERNAME)):
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "vikno.accounts.backends.ViknoBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[f"{name}_session"] = store.session_key or ""
    generated = json.loads((var_dir / "generated.json").read_text(encoding="utf-8"))
    return {**sessions, "api_key": generated["api_key"]}
