"""django-helpdesk's project for the bench (runs in the peer's venv, not Vikno's).

The database is BENCH_PEER_DATABASE_URL: its own SQLite file or its own PostgreSQL
database on the run's server. DEBUG is off, like Vikno's. The API authenticates with
DRF tokens (one indexed lookup), HTTP basic auth (django-helpdesk's standalone settings:
every request hashes the password with Django's default PBKDF2) or the session.
"""

from __future__ import annotations

import os

import dj_database_url

SECRET_KEY = os.environ.get("VIKNO_SECRET_KEY", "bench-peer-not-a-secret-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.peer.urls"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(os.environ.get("VIKNO_VAR_DIR", "/tmp"), "peer-media")  # noqa: S108
LOGIN_URL = "/login/"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["BENCH_PEER_DATABASE_URL"],
        conn_max_age=int(os.environ.get("VIKNO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same connection options as Vikno's (vikno/settings.py).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        # What django-helpdesk's standalone (docker) settings use: scenario 1 measures
        # it too, as a second figure.
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# Mail is rendered as django-helpdesk renders it, but not sent anywhere.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.org"

HELPDESK_TEAMS_MODE_ENABLED = False  # teams need pinax-teams
HELPDESK_API_ENABLED = True

# Errors (500s) to the server's log (bench/serve.py writes it to var_dir/serve-peer.log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
