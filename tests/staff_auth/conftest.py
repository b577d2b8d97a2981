"""Sign-in tests: a clean cache (rate limits and used TOTP codes live there)."""

import pyotp
import pytest
from django.core.cache import cache

from tests.factories import TEST_TOTP_SECRET

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/staff/login/", {"login": username, "password": password}, **extra)
