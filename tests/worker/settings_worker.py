"""Settings of the real worker in the crash test (tests/worker/test_crash.py).

Production settings like tests.settings, but the queue is real (not immediate): a file
SQLite database and a file huey queue under VIKNO_VAR_DIR (a temporary directory), and
email written to files in VIKNO_VAR_DIR/mail so the test counts what was delivered.
"""

from tests.settings import *  # noqa: F403

HUEY = {**HUEY, "immediate": False}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # noqa: F405
VIKNO_SWEEP_BATCH = 20
