"""Vikno settings: everything that differs between machines comes from the environment.

Safe defaults are production ones: DEBUG is off unless VIKNO_DEBUG is set, and without
DEBUG a secret key must be given.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("VIKNO_DEBUG")
SECRET_KEY = os.environ.get("VIKNO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set VIKNO_SECRET_KEY (or VIKNO_DEBUG=1 for a local demo).")
    SECRET_KEY = "insecure-local-demo-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("VIKNO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("VIKNO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "vikno.accounts.admin_apps.ViknoAdminConfig",  # django.contrib.admin, signed in by role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "vikno.core",
    "vikno.accounts",
    "vikno.reference",
    "vikno.appeals",
    "vikno.privacy",
    "vikno.notifications",
    "vikno.holidays",
    "vikno.feedback",
    "vikno.statistics",
    "vikno.api",
    "vikno.public",
    "vikno.staff",
    "vikno.demo",
    "huey.contrib.djhuey",
    "vikno.sweeps",
    "vikno.exchange",
    # After Vikno's apps, so that vikno/staff/templates/{account,mfa}/ override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vikno.core.middleware.UkrainianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vikno.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "vikno.urls"
WSGI_APPLICATION = "vikno.wsgi.application"
ASGI_APPLICATION = "vikno.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vikno.staff.navigation.staff_nav",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
VAR_DIR = Path(os.environ.get("VIKNO_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vikno.sqlite3'}"),
        conn_max_age=int(os.environ.get("VIKNO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE transactions take the
        # write lock at BEGIN, so two registrations queue up instead of failing with
        # "database is locked" when both try to upgrade a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-vikno.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Only Vikno's backend: it refuses demo accounts without DEBUG on every way in (allauth's
# own backend would hand such a user back to allauth's login flow).
AUTHENTICATION_BACKENDS = ["vikno.accounts.backends.ViknoBackend"]
LOGIN_URL = "staff_login"
LOGIN_REDIRECT_URL = "staff:home"

# --- Staff sign-in: django-allauth (password, then TOTP or a recovery code) -------------
# Accounts are made by administrators: no signup, no email verification, username only.
# Supervisors and administrators must have TOTP (vikno.accounts.middleware).
ACCOUNT_ADAPTER = "vikno.accounts.adapter.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "staff_login"
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
# Failed sign-ins (passwords and second-factor codes alike): 10 a minute from one address,
# 5 in 5 minutes for one username. Counted in the cache: give several processes a shared
# cache (Redis) in production.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
# Behind N proxies that append to X-Forwarded-For, the client is the N-th address from the
# right (rate limits and the logs of failed sign-ins and of personal-data access use it).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("VIKNO_TRUSTED_PROXY_COUNT", "0"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Вікно"
MFA_ADAPTER = "vikno.accounts.adapter.StaffMFAAdapter"
VIKNO_TWO_FACTOR_ROLES = ["supervisor", "administrator"]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Kyiv"
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("VIKNO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("VIKNO_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIKNO_LOG_LEVEL", "INFO")},
}

# --- Vikno rules ----------------------------------------------------------------------
# Terms of the Law of Ukraine "On citizens' appeals", art. 7 and 20. They are settings so
# that a change of the law is a change of configuration, not of code.
VIKNO_TERMS = {
    "SHORT_DAYS": int(os.environ.get("VIKNO_TERM_SHORT_DAYS", "15")),
    "STANDARD_MONTHS": int(os.environ.get("VIKNO_TERM_STANDARD_MONTHS", "1")),
    "MAX_DAYS": int(os.environ.get("VIKNO_TERM_MAX_DAYS", "45")),
    "FORWARD_OUT_DAYS": int(os.environ.get("VIKNO_TERM_FORWARD_OUT_DAYS", "5")),
    "DUE_SOON_HOURS": int(os.environ.get("VIKNO_DUE_SOON_HOURS", "72")),
}
VIKNO_NUMBER_DIGITS = 7
# Queue tabs, the inbox and long lists count up to this many rows and then say "1,000+"
# (vikno.core.paging): a page costs the same however long the backlog.
VIKNO_COUNT_CAP = int(os.environ.get("VIKNO_COUNT_CAP", "1000"))
VIKNO_ATTACHMENTS = {
    "MAX_BYTES": int(os.environ.get("VIKNO_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
    "MAX_FILES": int(os.environ.get("VIKNO_ATTACHMENT_MAX_FILES", "5")),
}
# Working days skip Ukrainian public holidays and transfers (vikno.holidays) when this is on.
# Under martial law (Law No. 2136-IX, art. 6) holidays are working days and nothing is
# transferred: set VIKNO_HOLIDAYS_ARE_DAYS_OFF=false while it is in force.
VIKNO_HOLIDAYS_ARE_DAYS_OFF = env_bool("VIKNO_HOLIDAYS_ARE_DAYS_OFF", True)
# An executed appeal whose applicant does not answer the feedback link in this many days is
# closed as confirmed (vikno.feedback).
VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS = int(os.environ.get("VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS", "10"))

# --- Background worker ------------------------------------------------------------------
# huey (huey.contrib.djhuey): `python manage.py worker` runs the consumer; `make run`
# starts it beside the web process. The queue lives in SQLite under VIKNO_VAR_DIR, or in
# Redis when REDIS_URL is set (then any number of workers on any number of machines share
# it). Never "immediate", even with DEBUG: tasks always go through the worker (tests
# switch immediate mode on in tests/settings.py). See docs/worker.md.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY: dict = {
    "name": "vikno",
    "immediate": False,
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("VIKNO_WORKER_THREADS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Reminders before an assignment's due time, per term of the appeal (vikno.sweeps): hours
# before the due moment. A reminder whose moment came before the assignment was made is
# not sent (an assignment made 20 hours before its term gets only the 1-day reminder).
VIKNO_REMINDERS = {
    "short": [72, 24],
    "standard": [72, 24],
    "service_level": [2],
}
# The daily digest per organization (due soon and overdue) goes out at this local hour.
VIKNO_DIGEST_HOUR = int(os.environ.get("VIKNO_DIGEST_HOUR", "8"))
# How many assignments one sweep transaction handles.
VIKNO_SWEEP_BATCH = int(os.environ.get("VIKNO_SWEEP_BATCH", "200"))

# --- Notifications ------------------------------------------------------------------------
# Messages to applicants and staff go through the outbox (vikno.notifications). Email is
# SMTP from the EMAIL_* variables; without EMAIL_HOST every message is written as a file
# to var/outbox-mail/ instead (a local demo sends nothing anywhere).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # a relay on 587 wants EMAIL_USE_TLS=1
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Вікно <noreply@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox-mail"
# The public address of the site: links in messages to applicants (tracking page).
VIKNO_PUBLIC_URL = os.environ.get("VIKNO_PUBLIC_URL", "http://127.0.0.1:8000")
# Waits before each retry of a message that was not accepted; after the last one it fails.
VIKNO_NOTIFICATION_BACKOFF_MINUTES = [
    int(m) for m in env_list("VIKNO_NOTIFICATION_BACKOFF_MINUTES", "1,5,30,120,720")
]

# --- SMS (SMPP) -----------------------------------------------------------------------
# SMS to applicants go to the operator's SMSC over SMPP 3.4 (vikno.integrations.smpp).
# Without SMPP_HOST every SMS is written as a text file to var/outbox-sms/ instead, so a
# local demo sends nothing anywhere (docs/sms.md).
SMPP_HOST = os.environ.get("SMPP_HOST", "")
SMPP_PORT = int(os.environ.get("SMPP_PORT", "2775"))
SMPP_SYSTEM_ID = os.environ.get("SMPP_SYSTEM_ID", "")
SMPP_PASSWORD = os.environ.get("SMPP_PASSWORD", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "Vikno")  # alphanumeric, at most 11 characters
SMPP_TIMEOUT = float(os.environ.get("SMPP_TIMEOUT", "10"))  # seconds: connect and each read
SMS_FILE_DIR = VAR_DIR / "outbox-sms"

# --- Open311 -------------------------------------------------------------------------
# The jurisdiction_id of the GeoReport v2 endpoint at /open311/v2/ (docs/open311.md).
OPEN311_JURISDICTION = os.environ.get("OPEN311_JURISDICTION", "vikno.demo")

# --- Exchange with other contact centers ------------------------------------------------
# Delivery of the outbox to peers (vikno.exchange, docs/exchange.md): a failed attempt
# waits BASE * 2**(attempts-1) seconds, at most MAX; a peer that is down is retried until
# it is back. TIMEOUT: seconds to connect and to read each answer.
# The code peers know this center by (the X-Vikno-Peer header of what it sends).
VIKNO_EXCHANGE_OWN_CODE = os.environ.get("VIKNO_EXCHANGE_OWN_CODE", "vikno")
VIKNO_EXCHANGE = {
    "BACKOFF_BASE_SECONDS": float(os.environ.get("VIKNO_EXCHANGE_BACKOFF_BASE_SECONDS", "2")),
    "BACKOFF_MAX_SECONDS": float(os.environ.get("VIKNO_EXCHANGE_BACKOFF_MAX_SECONDS", "60")),
    "TIMEOUT": float(os.environ.get("VIKNO_EXCHANGE_TIMEOUT", "10")),
}
