"""Who is calling the API: a staff member's session (with CSRF) or an integration's key.

Keys are sent as `Authorization: Bearer <key>` or `X-API-Key: <key>` and act as their
user (the service account behind the key, or the user the key was made for). A key's
scopes limit what it may do: reading needs "read", anything else needs "write".
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from vikno.accounts.models import ApiKey, ApiKeyScope, User
from vikno.accounts.services import apikey_authenticate
from vikno.core.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request; `request.auth` holds it."""

    user: User
    api_key: ApiKey | None = None


def _key_caller(request: HttpRequest, plain: str | None) -> Caller | None:
    if not plain:
        return None
    key = apikey_authenticate(plain.strip())
    if key is None:
        return None
    needed = ApiKeyScope.READ if request.method in SAFE_METHODS else ApiKeyScope.WRITE
    if needed not in key.scopes:
        raise Forbidden(
            _("This API key does not have the «%(scope)s» scope.") % {"scope": needed},
            code="insufficient_scope",
        )
    return Caller(user=key.user, api_key=key)


class BearerKey(HttpBearer):
    """`Authorization: Bearer <key>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return _key_caller(request, token)


class HeaderKey(APIKeyHeader):
    """`X-API-Key: <key>`."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        return _key_caller(request, key)


class StaffSession(APIKeyCookie):
    """The staff UI's Django session; writes must carry the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Unlike ninja's SessionAuth, check CSRF only for a signed-in user, so that an
        # anonymous POST is answered 401 (who are you?) rather than 403 (bad token).
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(
                _("CSRF check failed: send the X-CSRFToken header."), code="csrf_failed"
            )
        return Caller(user=user)


api_auth = [BearerKey(), HeaderKey(), StaffSession()]


def caller_of(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined, return-value]


def actor_of(request: HttpRequest) -> User:
    """The user the services see as `actor`."""
    return caller_of(request).user
