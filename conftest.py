"""Tests run with DEBUG off, as production does; they need only a throwaway secret key."""

import os

os.environ.setdefault("VIKNO_SECRET_KEY", "tests-only-secret-key-not-for-production")
