"""Writes of the accounts app: API keys."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from vikno.accounts.backends import demo_allowed
from vikno.accounts.models import ApiKey, ApiKeyScope, Role, User
from vikno.core.clock import now
from vikno.core.errors import ServiceError, ValidationFailed

LAST_USED_PRECISION = timedelta(minutes=1)

KEY_PREFIX = "vk_"


def _hash(secret: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def apikey_create(
    *,
    name: str,
    user: User | None = None,
    role: str = Role.ADMINISTRATOR,
    scopes: list[str] | None = None,
    is_demo: bool = False,
    secret: str | None = None,
    prefix: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; return it and the plain key, which is shown once and never stored.

    Without a user, a service account named after the key is made with `role`.
    """
    scopes = scopes or [ApiKeyScope.READ, ApiKeyScope.WRITE]
    unknown = set(scopes) - set(ApiKeyScope.values)
    if unknown:
        raise ValidationFailed(_("Unknown scope: %s") % ", ".join(sorted(unknown)))
    if ApiKey.objects.filter(name=name).exists():
        raise ServiceError(_("An API key with this name already exists."), code="duplicate")
    if user is None:
        user, _created = User.objects.get_or_create(
            username=f"api-{name}"[:150],
            defaults={"role": role, "is_service_account": True, "is_demo": is_demo},
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # A fixed prefix and secret (the demo key) make the same plain key on every machine.
    prefix = prefix or secrets.token_hex(4)
    secret = secret or secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name, prefix=prefix, key_hash=_hash(secret), user=user, scopes=list(scopes)
    )
    return key, f"{KEY_PREFIX}{prefix}_{secret}"


def apikey_authenticate(plain: str) -> ApiKey | None:
    """The active key for a presented plain key, or None."""
    if not plain.startswith(KEY_PREFIX) or "_" not in plain[len(KEY_PREFIX) :]:
        return None
    prefix, secret = plain[len(KEY_PREFIX) :].split("_", 1)
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not key.is_active or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    if not key.user.is_active or not demo_allowed(key.user):
        return None
    # "Last used" to the minute: a client sending many requests a second writes once a
    # minute, not on every request (a write per request halved the registration rate).
    moment = now()
    if key.last_used_at is None or moment - key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=moment)
    return key


def apikey_revoke(*, name: str) -> ApiKey:
    key = ApiKey.objects.filter(name=name).first()
    if key is None:
        raise ServiceError(_("No API key with this name."), code="not_found", status=404)
    if key.revoked_at is None:
        key.revoked_at = now()
        key.save(update_fields=["revoked_at"])
    return key
