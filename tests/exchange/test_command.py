"""`manage.py exchange_peer` and the delivery tasks."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from huey.contrib.djhuey import HUEY

from tests.factories import OrganizationFactory
from vikno.accounts.models import Role
from vikno.exchange.models import OutboxMessage, Peer
from vikno.exchange.tasks import deliver_exchange
from vikno.reference.models import OrganizationKind


def _run(*args):
    out, err = StringIO(), StringIO()
    with translation.override("en"):  # messages as written, whatever the catalog says
        call_command("exchange_peer", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_list_remove(world):
    OrganizationFactory(code="hromada-cc", kind=OrganizationKind.CONTACT_CENTER)

    out, err = _run(
        "add", "ukc", "--name", "УКЦ", "--url", "https://ukc.example.gov.ua", "--upstream"
    )
    secret = out.strip().splitlines()[-1]
    _run(
        "add",
        "hromada",
        "--name",
        "Громада",
        "--url",
        "http://127.0.0.1:8001",
        "--downstream",
        "--organization",
        "hromada-cc",
        "--secret",
        "given-secret",
    )
    _run(
        "add",
        "region",
        "--name",
        "Область",
        "--url",
        "https://region.example.ua",
        "--upstream",
        "--downstream",
        "--organization",
        "vodokanal",
    )

    assert err == "Added peer 'ukc', acting as peer-ukc.\n"
    ukc, hromada, region = (Peer.objects.get(code=c) for c in ("ukc", "hromada", "region"))
    assert len(secret) >= 40 and ukc.secret == secret
    assert hromada.secret == "given-secret"
    assert (ukc.account.role, ukc.account.organization, ukc.account.is_service_account) == (
        Role.OPERATOR,
        None,
        True,
    )
    assert not ukc.account.has_usable_password()
    assert (hromada.account.role, hromada.account.organization.code) == (
        Role.EXECUTOR,
        "hromada-cc",
    )
    assert (region.account.role, region.account.organization) == (Role.SUPERVISOR, None)

    listed, _err = _run("list")
    assert listed.splitlines() == [
        "hromada\tdownstream\thromada-cc\thttp://127.0.0.1:8001\tactive\tpending=0",
        "region\tupstream+downstream\tvodokanal\thttps://region.example.ua\tactive\tpending=0",
        "ukc\tupstream\t-\thttps://ukc.example.gov.ua\tactive\tpending=0",
    ]
    assert secret not in listed and "given-secret" not in listed

    rotated, _err = _run("secret", "hromada", "--secret", "new-secret")
    generated, _err = _run("secret", "ukc")
    assert rotated == "new-secret\n"
    assert Peer.objects.get(code="hromada").secret == "new-secret"
    assert Peer.objects.get(code="ukc").secret == generated.strip() != secret

    assert _run("remove", "ukc")[0] == "Deactivated ukc\n"
    ukc.refresh_from_db()
    ukc.account.refresh_from_db()
    assert (ukc.is_active, ukc.account.is_active) == (False, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--name", "X", "--url", "https://x.ua"], "direction: A peer is our upstream"),
        (
            ["x", "--name", "X", "--url", "https://x.ua", "--downstream"],
            "organization: A downstream peer needs the organization",
        ),
        (
            [
                "x",
                "--name",
                "X",
                "--url",
                "https://x.ua",
                "--downstream",
                "--organization",
                "gov-cc",
            ],
            "organization: Appeals are forwarded only inside Vikno",
        ),
        (["x", "--name", "X", "--url", "ftp://x.ua", "--upstream"], "base_url: Give the peer's"),
        (
            ["x", "--name", "X", "--url", "https://x.ua", "--downstream", "--organization", "nope"],
            "No organization 'nope'",
        ),
    ],
)
def test_add_refusals(world, args, message):
    with pytest.raises(CommandError) as refused:
        _run("add", *args)

    assert message in str(refused.value)
    assert Peer.objects.count() == 0


def test_duplicate_code_and_unknown_remove_refused(world):
    _run("add", "ukc", "--name", "УКЦ", "--url", "https://ukc.example.gov.ua", "--upstream")

    with pytest.raises(
        CommandError, match=re.escape("code: A peer with this code already exists.")
    ):
        _run("add", "ukc", "--name", "УКЦ", "--url", "https://ukc.example.gov.ua", "--upstream")
    with pytest.raises(CommandError, match=re.escape("There is no such peer.")):
        _run("remove", "nobody")
    with pytest.raises(CommandError, match=re.escape("There is no such peer.")):
        _run("secret", "nobody")
    assert Peer.objects.count() == 1


def test_failed_delivery_task_schedules_its_own_retry(world, downstream):
    from tests.factories import register_appeal
    from vikno.appeals.services import appeal_forward, appeal_preprocess

    operator = world["users"]["operator"]
    appeal = register_appeal(actor=operator, category=world["no_water"])
    appeal_preprocess(actor=operator, appeal=appeal)
    appeal_forward(actor=operator, appeal=appeal, organization=downstream.organization)
    HUEY.flush()

    deliver_exchange(downstream.pk)  # nothing listens at the peer's address

    assert OutboxMessage.objects.get().attempts == 1
    [scheduled] = HUEY.scheduled()
    assert scheduled.name.endswith("deliver_exchange")
    assert scheduled.args == (downstream.pk,)
    HUEY.flush()
