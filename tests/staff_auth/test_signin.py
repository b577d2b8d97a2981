"""Staff sign-in: password for everyone, then TOTP or a recovery code where it is set up."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.factories import UserFactory
from tests.staff_auth.conftest import sign_in, totp_code
from vikno.accounts.models import Role

pytestmark = pytest.mark.django_db

ACTIVATE = "/staff/account/2fa/totp/activate/"
AUTHENTICATE = "/staff/account/2fa/authenticate/"


def test_urls_keep_their_names():
    assert reverse("staff_login") == "/staff/login/"
    assert reverse("staff_logout") == "/staff/logout/"
    assert reverse("staff_account") == "/staff/account/"
    assert reverse("mfa_activate_totp") == ACTIVATE
    assert reverse("mfa_authenticate") == AUTHENTICATE


def test_sign_in_page_renders_in_the_site_layout(client):
    response = client.get("/staff/login/")

    assert response.status_code == 200
    assert response.templates[0].name == "account/login.html"
    assert "base.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert 'name="login"' in content
    assert 'name="password"' in content
    assert "css/staff-auth.css" in content


def test_operator_without_two_factor_signs_in_with_a_password(client):
    operator = UserFactory(username="olha", role=Role.OPERATOR)

    response = sign_in(client, "olha")

    assert response.status_code == 302
    assert response.url == "/staff/"
    assert client.session["_auth_user_id"] == str(operator.pk)


def test_wrong_password_does_not_sign_in(client):
    UserFactory(username="olha", role=Role.OPERATOR)

    response = sign_in(client, "olha", "wrong-password")

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session


def test_public_signup_is_closed(client):
    response = client.post(
        "/staff/account/signup/", {"username": "intruder", "password1": "Some-long-pass-42"}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "account/signup_closed.html"
    assert not UserFactory._meta.model.objects.filter(username="intruder").exists()


def test_supervisor_without_totp_is_sent_to_set_it_up_before_any_page(client):
    UserFactory(username="head", role=Role.SUPERVISOR, totp=False)
    sign_in(client, "head")

    for path in ("/staff/", "/staff/queues/", "/admin/", "/admin/appeals/appeal/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == ACTIVATE, path
    assert client.get("/staff/account/").status_code == 200
    api = client.get("/api/v1/appeals")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"


def test_htmx_request_of_a_supervisor_without_totp_is_redirected_by_header(client):
    UserFactory(username="head", role=Role.SUPERVISOR, totp=False)
    sign_in(client, "head")

    response = client.get("/staff/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == ACTIVATE


def test_supervisor_sets_up_totp_and_then_works(client):
    head = UserFactory(username="head", role=Role.SUPERVISOR, totp=False)
    sign_in(client, "head")

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert page.templates[0].name == "mfa/totp/activate_form.html"
    content = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    secret = page.context["form"].secret
    assert secret in content

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=head).exists()

    done = client.post(ACTIVATE, {"code": totp_code(secret)})

    assert done.status_code == 302
    assert done.url == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=head).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    codes = client.get(done.url)
    assert codes.status_code == 200
    assert codes.templates[0].name == "mfa/recovery_codes/index.html"
    # Past the middleware now: the admin refuses a supervisor by role, no redirect.
    assert client.get("/admin/", follow=True).status_code == 403


def test_administrator_without_totp_is_forced_too(client):
    UserFactory(username="root", role=Role.OPERATOR, is_superuser=True, totp=False)
    sign_in(client, "root")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == ACTIVATE


def test_with_totp_the_password_alone_does_not_sign_in(client):
    UserFactory(username="head", role=Role.SUPERVISOR)

    response = sign_in(client, "head")

    assert response.status_code == 302
    assert response.url == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302
    assert client.get("/staff/").url.startswith("/staff/login/")


def test_with_totp_a_valid_code_signs_in(client):
    head = UserFactory(username="head", role=Role.SUPERVISOR)
    sign_in(client, "head")

    page = client.get(AUTHENTICATE)
    assert page.templates[0].name == "mfa/authenticate.html"
    response = client.post(AUTHENTICATE, {"code": totp_code()})

    assert response.status_code == 302
    assert response.url == "/staff/"
    assert client.session["_auth_user_id"] == str(head.pk)


def test_with_totp_a_wrong_code_does_not_sign_in(client):
    UserFactory(username="head", role=Role.SUPERVISOR)
    sign_in(client, "head")

    response = client.post(AUTHENTICATE, {"code": "12345"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client):
    head = UserFactory(username="head", role=Role.SUPERVISOR)
    codes = RecoveryCodes.activate(head)
    code = codes.get_unused_codes()[0]

    sign_in(client, "head")
    first = client.post(AUTHENTICATE, {"code": code})
    assert first.status_code == 302
    assert client.session["_auth_user_id"] == str(head.pk)
    client.post("/staff/logout/")
    assert "_auth_user_id" not in client.session

    sign_in(client, "head")
    again = client.post(AUTHENTICATE, {"code": code})

    assert again.status_code == 200
    assert again.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session
    assert (
        code
        not in RecoveryCodes(
            Authenticator.objects.get(user=head, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )


def test_supervisor_cannot_turn_totp_off(client):
    head = UserFactory(username="head", role=Role.SUPERVISOR)
    sign_in(client, "head")
    client.post(AUTHENTICATE, {"code": totp_code()})

    response = client.post("/staff/account/2fa/totp/deactivate/", {})

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=head, type=Authenticator.Type.TOTP).exists()


def test_sign_out(client):
    UserFactory(username="olha", role=Role.OPERATOR)
    sign_in(client, "olha")

    response = client.post("/staff/logout/")

    assert response.status_code == 302
    assert response.url == "/staff/login/"
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_is_not_offered(client):
    response = client.post("/staff/account/password/reset/", {"email": "a@example.com"})

    assert response.status_code == 200
    assert response.templates[0].name == "account/password_reset_by_administrator.html"


def test_my_account_page_is_in_the_staff_menu_and_shows_two_factor_state(client):
    operator = UserFactory(username="olha", role=Role.OPERATOR)
    client.force_login(operator)

    response = client.get("/staff/account/")

    assert response.status_code == 200
    assert response.templates[0].name == "account/security.html"
    assert {"url": "/staff/account/", "current": True} in [
        {"url": item["url"], "current": item["current"]} for item in response.context["staff_nav"]
    ]
    assert response.context["totp"] is None
    assert response.context["two_factor_required"] is False
    assert 'href="/staff/account/2fa/totp/activate/"' in response.content.decode()


def test_my_account_page_of_a_supervisor_lists_unused_recovery_codes(client):
    head = UserFactory(username="head", role=Role.SUPERVISOR)
    RecoveryCodes.activate(head)
    client.force_login(head)

    response = client.get("/staff/account/")

    assert response.context["totp"].type == Authenticator.Type.TOTP
    assert response.context["unused_codes"] == 10
    assert response.context["two_factor_required"] is True
    assert "/staff/account/2fa/totp/deactivate/" not in response.content.decode()
