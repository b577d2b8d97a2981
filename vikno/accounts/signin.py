"""Failed staff sign-ins: one log line and one stored row each, never the username.

The username is personal data (often a surname), so the log line and the row carry a
short keyed hash of it instead: the same username always gives the same hash, so repeated
attempts on one account are visible, and an administrator can search the admin by the
username to find its hash.
"""

import hashlib
import hmac
import logging

from django.conf import settings

from vikno.accounts.models import SignInFailure, User
from vikno.core.clock import now
from vikno.privacy.services import client_ip

logger = logging.getLogger("vikno.accounts.signin")


def username_hash(username: str) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:12]


def signin_failure_record(*, request, username: str, reason: str, user=None) -> SignInFailure:
    """Log and store one failed sign-in (wrong password, wrong code, or throttled)."""
    hashed = username_hash(username or "")
    ip = client_ip(request)
    if user is None and username:
        user = User.objects.filter(username=username).only("pk").first()
    logger.warning("Failed staff sign-in: reason=%s user=%s ip=%s", reason, hashed, ip)
    return SignInFailure.objects.create(
        created_at=now(), reason=reason, username_hash=hashed, user=user, ip=ip
    )
