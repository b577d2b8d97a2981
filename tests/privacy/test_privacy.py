"""The personal-data access log and the masks."""

from datetime import UTC, datetime

import pytest

from tests.factories import UserFactory, register_appeal
from vikno.accounts.models import Role
from vikno.core.clock import travel
from vikno.privacy.masking import mask_email, mask_name, mask_phone
from vikno.privacy.models import AccessRecord, AccessWhat
from vikno.privacy.services import access_record, client_ip


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+380671234567", "+380 67 *** ** 67"),
        ("+38 (050) 765-43-21", "+380 50 *** ** 21"),
        ("380931112233", "+380 93 *** ** 33"),
        ("0441234599", "044 *** ** 99"),
        ("1551", "****"),
        ("+48123456789", "*********89"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("olena.koval@example.com", "o***@example.com"),
        ("a@ukr.net", "a***@ukr.net"),
        ("not-an-email", "n***"),
        ("", ""),
    ],
)
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Коваль Олена Петрівна", "К. О. П."),
        ("  Іваненко   Ігор ", "І. І."),
        ("Ґудзь-Левицька Їржина", "Ґ. Ї."),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.django_db
def test_access_record_writes_exactly_one_row(world, rf):
    operator = world["users"][Role.OPERATOR]
    appeal = register_appeal(actor=operator, category=world["pothole"])
    request = rf.get("/staff/appeals/1/", REMOTE_ADDR="198.51.100.4")
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    with travel(moment):
        record = access_record(
            actor=operator,
            applicant=appeal.applicant,
            appeal=appeal,
            what=AccessWhat.CONTACT_UNMASKED,
            reason="Передзвонити заявнику",
            request=request,
        )

    assert AccessRecord.objects.count() == 1
    stored = AccessRecord.objects.get()
    assert stored == record
    assert (
        stored.actor,
        stored.applicant,
        stored.appeal,
        stored.what,
        stored.reason,
        stored.ip,
        stored.created_at,
    ) == (
        operator,
        appeal.applicant,
        appeal,
        "contact_unmasked",
        "Передзвонити заявнику",
        "198.51.100.4",
        moment,
    )


@pytest.mark.django_db
def test_access_record_without_appeal_or_request(world):
    operator = world["users"][Role.OPERATOR]
    appeal = register_appeal(actor=operator, category=world["pothole"])

    record = access_record(actor=operator, applicant=appeal.applicant, what="card_opened")

    assert (record.appeal, record.reason, record.ip) == (None, "", None)
    assert AccessRecord.objects.count() == 1


@pytest.mark.django_db
def test_access_record_refuses_an_unknown_kind_and_writes_nothing(world):
    operator = world["users"][Role.OPERATOR]
    appeal = register_appeal(actor=operator, category=world["pothole"])

    with pytest.raises(ValueError, match="unknown access kind"):
        access_record(actor=operator, applicant=appeal.applicant, what="peeked")

    assert AccessRecord.objects.count() == 0


# --- the admin page of the log -------------------------------------------------------------


@pytest.fixture
def logged(world):
    operator = world["users"][Role.OPERATOR]
    appeal = register_appeal(actor=operator, category=world["pothole"])
    access_record(actor=operator, applicant=appeal.applicant, appeal=appeal, what="card_opened")
    access_record(
        actor=world["users"][Role.SUPERVISOR],
        applicant=appeal.applicant,
        appeal=appeal,
        what="contact_unmasked",
        reason="Перевірка виконання",
    )
    return appeal


LOG_URL = "/admin/privacy/accessrecord/"


@pytest.mark.django_db
def test_the_log_is_visible_to_an_administrator(client, world, logged):
    client.force_login(world["users"][Role.ADMINISTRATOR])

    response = client.get(LOG_URL)

    assert response.status_code == 200
    assert [(r.what, r.actor.username) for r in response.context["cl"].result_list] == [
        ("contact_unmasked", "supervisor"),
        ("card_opened", "operator"),
    ]
    filtered = client.get(LOG_URL, {"what__exact": "card_opened"})
    assert [r.what for r in filtered.context["cl"].result_list] == ["card_opened"]
    by_actor = client.get(LOG_URL, {"actor__id__exact": world["users"][Role.SUPERVISOR].pk})
    assert [r.what for r in by_actor.context["cl"].result_list] == ["contact_unmasked"]
    detail = client.get(f"{LOG_URL}{response.context['cl'].result_list[0].pk}/change/")
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False


@pytest.mark.django_db
def test_a_superuser_sees_the_log(client, world, logged):
    client.force_login(UserFactory(username="root", role="", is_superuser=True, is_staff=True))

    assert client.get(LOG_URL).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ANALYST])
def test_the_log_is_refused_to_other_roles_even_with_is_staff(client, world, logged, role):
    user = world["users"][role]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    response = client.get(LOG_URL, follow=True)

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_log_cannot_be_changed_or_deleted_in_the_admin(client, world, logged):
    client.force_login(world["users"][Role.ADMINISTRATOR])
    record = AccessRecord.objects.order_by("id").first()

    add = client.get(f"{LOG_URL}add/")
    change = client.post(f"{LOG_URL}{record.pk}/change/", {"reason": "змінено"})
    delete = client.post(f"{LOG_URL}{record.pk}/delete/", {"post": "yes"})

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert AccessRecord.objects.count() == 2
    record.refresh_from_db()
    assert record.reason == ""


@pytest.mark.parametrize(
    ("proxies", "meta", "ip"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.1"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"},
            "203.0.113.9",
        ),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(rf, settings, proxies, meta, ip):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies

    assert client_ip(rf.get("/", **meta)) == ip
