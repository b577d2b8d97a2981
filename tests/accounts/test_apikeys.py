"""API keys: shown once, stored as a hash, named, scoped and revocable; demo keys work
only while DEBUG is on; `manage.py apikey` prints a new key alone on its last line."""

import hashlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from vikno.accounts.models import ApiKey, Role, User
from vikno.accounts.services import apikey_authenticate, apikey_create, apikey_revoke
from vikno.core.clock import travel
from vikno.core.errors import ServiceError, ValidationFailed

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_returns_the_plain_key_once_and_stores_only_its_hash():
    key, plain = apikey_create(name="crm")
    prefix, secret = plain.removeprefix("vk_").split("_", 1)
    assert plain == f"vk_{key.prefix}_{secret}"
    assert prefix == key.prefix
    assert len(secret) >= 40
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in stored.values())
    assert (stored["name"], stored["scopes"], stored["revoked_at"]) == (
        "crm",
        ["read", "write"],
        None,
    )
    # A service account acts for the key.
    assert (key.user.username, key.user.role, key.user.is_service_account) == (
        "api-crm",
        Role.ADMINISTRATOR,
        True,
    )
    assert not key.user.has_usable_password()


def test_two_keys_never_share_a_secret():
    _key1, plain1 = apikey_create(name="one")
    _key2, plain2 = apikey_create(name="two")
    assert plain1 != plain2


def test_authenticate_finds_the_key_and_notes_its_use():
    key, plain = apikey_create(name="crm", role=Role.OPERATOR, scopes=["read"])
    with travel(T0):
        found = apikey_authenticate(plain)
    assert found == key
    assert found.user.role == Role.OPERATOR
    assert found.scopes == ["read"]
    assert ApiKey.objects.get(pk=key.pk).last_used_at == T0


def test_last_use_is_written_once_a_minute():
    _key, plain = apikey_create(name="crm")
    with travel(T0):
        key = apikey_authenticate(plain)
    with travel(T0 + timedelta(seconds=59)), CaptureQueriesContext(connection) as queries:
        apikey_authenticate(plain)
    assert not any(q["sql"].startswith("UPDATE") for q in queries)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == T0
    with travel(T0 + timedelta(minutes=1)):
        apikey_authenticate(plain)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == T0 + timedelta(minutes=1)


def test_wrong_or_malformed_keys_are_refused():
    key, plain = apikey_create(name="crm")
    secret = plain.split("_", 2)[2]
    for presented in [
        plain[:-1] + ("A" if plain[-1] != "A" else "B"),  # wrong secret
        f"vk_deadbeef_{secret}",  # unknown prefix
        plain.removeprefix("vk_"),  # no scheme
        "vk_" + key.prefix,  # no secret
        "",
        "Bearer " + plain,
    ]:
        assert apikey_authenticate(presented) is None, presented
    assert ApiKey.objects.get(pk=key.pk).last_used_at is None


def test_revoked_key_is_refused():
    key, plain = apikey_create(name="crm")
    with travel(T0):
        apikey_revoke(name="crm")
    assert ApiKey.objects.get(pk=key.pk).revoked_at == T0
    assert apikey_authenticate(plain) is None
    # Revoking twice keeps the first time.
    apikey_revoke(name="crm")
    assert ApiKey.objects.get(pk=key.pk).revoked_at == T0


def test_revoking_an_unknown_key_is_refused():
    with pytest.raises(ServiceError) as exc:
        apikey_revoke(name="nope")
    assert (exc.value.code, exc.value.status) == ("not_found", 404)


def test_demo_key_works_only_with_debug(settings):
    assert settings.DEBUG is False
    _key, plain = apikey_create(name="demo", is_demo=True)
    assert apikey_authenticate(plain) is None
    settings.DEBUG = True
    assert apikey_authenticate(plain) is not None


def test_key_of_a_deactivated_user_is_refused():
    user = UserFactory(username="integration", role=Role.OPERATOR)
    _key, plain = apikey_create(name="crm", user=user)
    assert apikey_authenticate(plain).user == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert apikey_authenticate(plain) is None


def test_names_are_unique_and_scopes_known():
    apikey_create(name="crm")
    with pytest.raises(ServiceError) as exc:
        apikey_create(name="crm")
    assert exc.value.code == "duplicate"
    with pytest.raises(ValidationFailed):
        apikey_create(name="other", scopes=["read", "admin"])
    assert list(ApiKey.objects.values_list("name", flat=True)) == ["crm"]
    assert not User.objects.filter(username="api-other").exists()


# --- manage.py apikey ------------------------------------------------------------------


def test_command_create_prints_the_key_alone_on_its_last_line():
    out, err = run("create", "open-data-portal")
    last = out.splitlines()[-1]
    assert last.startswith("vk_")
    assert last == last.strip()
    assert " " not in last
    key = apikey_authenticate(last)
    assert key is not None
    assert key.name == "open-data-portal"
    assert key.user.role == Role.ADMINISTRATOR
    assert "open-data-portal" in err


def test_command_create_with_role_scopes_and_user():
    user = UserFactory(username="crm-bot", role=Role.OPERATOR)
    out, _err = run("create", "crm", "--user", "crm-bot", "--scopes", "read")
    key = apikey_authenticate(out.splitlines()[-1])
    assert (key.user, key.scopes) == (user, ["read"])
    out, _err = run("create", "board", "--role", Role.ANALYST)
    assert apikey_authenticate(out.splitlines()[-1]).user.role == Role.ANALYST


def test_command_create_refuses_duplicates_and_unknown_users():
    run("create", "crm")
    with pytest.raises(CommandError):
        run("create", "crm")
    with pytest.raises(CommandError):
        run("create", "other", "--user", "ghost")
    assert list(ApiKey.objects.values_list("name", flat=True)) == ["crm"]


def test_command_revoke():
    out, _err = run("create", "crm")
    plain = out.splitlines()[-1]
    out, _err = run("revoke", "crm")
    assert out.splitlines()[-1] == "Revoked crm"
    assert apikey_authenticate(plain) is None
    with pytest.raises(CommandError):
        run("revoke", "ghost")


def test_command_list_never_shows_secrets():
    out, _err = run("create", "crm")
    plain = out.splitlines()[-1]
    run("revoke", "crm")
    out, _err = run("list")
    assert out.splitlines() == ["crm\tapi-crm\trevoked\t['read', 'write']"]
    assert plain.split("_", 2)[2] not in out
