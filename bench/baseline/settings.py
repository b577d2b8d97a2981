"""Settings of the baseline project: the bench database (DATABASE_URL), DEBUG off."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

SECRET_KEY = os.environ.get("VIKNO_SECRET_KEY", "bench-baseline-not-a-secret-0123456789")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.baseline.urls"
INSTALLED_APPS = ["bench.baseline"]
MIDDLEWARE: list[str] = []
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_var = Path(os.environ.get("VIKNO_VAR_DIR", "var/bench/sqlite"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_var / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("VIKNO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same connection options as Vikno's (vikno/settings.py), so both pay the same.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
