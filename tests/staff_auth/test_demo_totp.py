"""The demo supervisor and administrator get the documented TOTP secret."""

import pyotp
import pytest
from django.test import override_settings

from tests.factories import UserFactory
from tests.staff_auth.conftest import sign_in
from vikno.accounts.models import Role
from vikno.demo.loader import DEMO_TOTP_SECRET, demo_totp_lines, give_demo_totp

pytestmark = pytest.mark.django_db


def test_demo_heads_get_the_documented_secret_and_others_none():
    head = UserFactory(username="supervisor", role=Role.SUPERVISOR, is_demo=True, totp=False)
    operator = UserFactory(username="operator", role=Role.OPERATOR, is_demo=True)

    given = give_demo_totp([head, operator])

    assert given == [head]
    assert DEMO_TOTP_SECRET == "VIKNODEMOTOTP2FAVIKNODEMOTOTP2FA"
    assert demo_totp_lines(given) == [
        "Two-factor sign-in of supervisor: TOTP secret VIKNODEMOTOTP2FAVIKNODEMOTOTP2FA",
        "  supervisor: otpauth://totp/%D0%92%D1%96%D0%BA%D0%BD%D0%BE:supervisor"
        "?secret=VIKNODEMOTOTP2FAVIKNODEMOTOTP2FA&issuer=%D0%92%D1%96%D0%BA%D0%BD%D0%BE",
    ]


@override_settings(DEBUG=True)
def test_demo_supervisor_signs_in_with_the_published_code(client):
    head = UserFactory(username="supervisor", role=Role.SUPERVISOR, is_demo=True, totp=False)
    give_demo_totp([head])

    sign_in(client, "supervisor")
    response = client.post(
        "/staff/account/2fa/authenticate/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(head.pk)
