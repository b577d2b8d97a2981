"""Failed sign-ins are throttled, logged without the username and stored; demo accounts
are refused without DEBUG on every way in; the admin follows the role administrator."""

import logging

import pytest
from django.test import override_settings

from tests.factories import UserFactory
from tests.staff_auth.conftest import sign_in, totp_code
from vikno.accounts.models import Role, SignInFailure, SignInFailureReason
from vikno.accounts.signin import username_hash

pytestmark = pytest.mark.django_db

AUTHENTICATE = "/staff/account/2fa/authenticate/"


def test_a_wrong_password_is_logged_without_the_username_and_stored(client, caplog):
    olha = UserFactory(username="koval.olha", role=Role.OPERATOR)

    with caplog.at_level(logging.WARNING, logger="vikno.accounts.signin"):
        sign_in(client, "koval.olha", "not-her-password", REMOTE_ADDR="203.0.113.7")

    lines = [r.getMessage() for r in caplog.records if r.name == "vikno.accounts.signin"]
    hashed = username_hash("koval.olha")
    assert lines == [f"Failed staff sign-in: reason=wrong_credentials user={hashed} ip=203.0.113.7"]
    assert "koval" not in caplog.text
    assert "not-her-password" not in caplog.text
    failure = SignInFailure.objects.get()
    assert (failure.reason, failure.username_hash, failure.user, failure.ip) == (
        SignInFailureReason.WRONG_CREDENTIALS,
        hashed,
        olha,
        "203.0.113.7",
    )
    assert len(hashed) == 12


def test_an_unknown_username_is_stored_without_an_account(client):
    sign_in(client, "nobody", "whatever")

    failure = SignInFailure.objects.get()
    assert failure.user is None
    assert failure.username_hash == username_hash("nobody")


def test_the_hash_ignores_case_and_spaces():
    assert username_hash(" Koval.Olha ") == username_hash("koval.olha")
    assert username_hash("koval.olha") != username_hash("koval.olga")


def test_repeated_wrong_passwords_are_throttled_even_with_the_right_one(client):
    UserFactory(username="olha", role=Role.OPERATOR)
    for _ in range(5):
        response = sign_in(client, "olha", "wrong")
        assert response.status_code == 200

    # The 6th attempt is refused without checking, even with the right password.
    response = sign_in(client, "olha")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "too_many_login_attempts"
    ]
    reasons = list(SignInFailure.objects.order_by("id").values_list("reason", flat=True))
    assert reasons == [SignInFailureReason.WRONG_CREDENTIALS] * 5 + [SignInFailureReason.THROTTLED]


def test_the_throttle_is_per_username(client):
    UserFactory(username="olha", role=Role.OPERATOR)
    UserFactory(username="petro", role=Role.OPERATOR)
    for _ in range(5):
        sign_in(client, "olha", "wrong")

    response = sign_in(client, "petro")

    assert response.status_code == 302


def test_a_wrong_second_factor_code_is_logged_and_stored(client, caplog):
    head = UserFactory(username="head", role=Role.SUPERVISOR)
    sign_in(client, "head")

    with caplog.at_level(logging.WARNING, logger="vikno.accounts.signin"):
        client.post(AUTHENTICATE, {"code": "000001" if totp_code() != "000001" else "000002"})

    failure = SignInFailure.objects.get()
    assert (failure.reason, failure.user) == (SignInFailureReason.WRONG_CODE, head)
    assert f"reason=wrong_code user={username_hash('head')}" in caplog.text
    assert "head" not in caplog.text.replace(username_hash("head"), "")


def test_repeated_wrong_codes_are_throttled(client):
    UserFactory(username="head", role=Role.SUPERVISOR)
    sign_in(client, "head")
    for _ in range(5):
        client.post(AUTHENTICATE, {"code": "99999"})

    response = client.post(AUTHENTICATE, {"code": totp_code()})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- demo accounts ------------------------------------------------------------------------


def test_demo_account_is_refused_on_the_sign_in_form_without_debug(client):
    UserFactory(username="demo-operator", role=Role.OPERATOR, is_demo=True)

    response = sign_in(client, "demo-operator")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SignInFailure.objects.get().reason == SignInFailureReason.WRONG_CREDENTIALS


def test_demo_administrator_is_refused_through_the_admin_without_debug(client):
    UserFactory(username="demo-admin", role=Role.ADMINISTRATOR, is_demo=True)

    to_login = client.get("/admin/")
    assert to_login.status_code == 302
    assert to_login.url == "/admin/login/?next=/admin/"
    to_staff_login = client.get(to_login.url)
    assert to_staff_login.status_code == 302
    assert to_staff_login.url == "/staff/login/?next=/admin/"
    response = client.post(
        to_staff_login.url, {"login": "demo-admin", "password": "correct-horse-battery"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_demo_session_is_worth_nothing_without_debug(client):
    demo = UserFactory(username="demo-admin", role=Role.ADMINISTRATOR, is_demo=True)
    client.force_login(demo)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/"


@override_settings(DEBUG=True)
def test_demo_account_signs_in_with_debug(client):
    demo = UserFactory(username="demo-operator", role=Role.OPERATOR, is_demo=True)

    response = sign_in(client, "demo-operator")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo.pk)


# --- the Django admin -------------------------------------------------------------------


def test_admin_login_page_is_the_staff_sign_in(client):
    response = client.get("/admin/login/?next=/admin/appeals/appeal/")

    assert response.status_code == 302
    assert response.url == "/staff/login/?next=/admin/appeals/appeal/"


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ANALYST])
def test_admin_refuses_every_role_but_administrator_even_with_is_staff(client, role):
    user = UserFactory(username=f"staff-{role}", role=role, is_staff=True)
    client.force_login(user)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_admin_opens_for_role_administrator_without_is_staff(client):
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=False)
    client.force_login(admin)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/reference/organization/").status_code == 200
    assert client.get("/admin/accounts/signinfailure/").status_code == 200


def test_administrator_signs_in_to_the_admin_with_password_and_code(client):
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)

    first = client.post(
        "/staff/login/?next=/admin/",
        {"login": "admin", "password": "correct-horse-battery", "next": "/admin/"},
    )
    assert first.url == AUTHENTICATE
    second = client.post(AUTHENTICATE, {"code": totp_code()})

    assert second.status_code == 302
    assert second.url == "/admin/"
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get("/admin/").status_code == 200


def test_signin_failures_admin_finds_by_username(client):
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    sign_in(client, "koval.olha", "x")
    sign_in(client, "petrenko", "x")
    client.force_login(admin)

    response = client.get("/admin/accounts/signinfailure/", {"q": "koval.olha"})

    assert response.status_code == 200
    assert [f.username_hash for f in response.context["cl"].result_list] == [
        username_hash("koval.olha")
    ]
