"""Test settings: production settings (DEBUG off) with a throwaway secret key."""

import os

os.environ.setdefault("VIKNO_SECRET_KEY", "tests-only-secret-key-not-for-production")

from vikno.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
# Tasks run at once, in the test's own process (tests/worker runs the real worker).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
