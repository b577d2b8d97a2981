"""factory_boy factories, one per model that tests build directly."""

import factory

from vikno.accounts.models import Role, User
from vikno.appeals.choices import Channel, Kind
from vikno.appeals.services import ApplicantData, appeal_register
from vikno.core.deadlines import Term
from vikno.reference.models import (
    Category,
    Organization,
    OrganizationKind,
    Territory,
    TerritoryKind,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Організація {n}")
    kind = OrganizationKind.UTILITY


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ter-{n}")
    name = factory.Sequence(lambda n: f"Район {n}")
    kind = TerritoryKind.DISTRICT


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"Категорія {n}")
    term = Term.STANDARD


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32; pyotp.TOTP(it).now()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OPERATOR
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Supervisors and administrators must have TOTP (vikno.accounts.middleware), so
        they get an authenticator with TEST_TOTP_SECRET; pass totp=False for one without
        (or totp=True for another role)."""
        from allauth.mfa.totp.internal.auth import TOTP

        from vikno.accounts.twofactor import has_totp, two_factor_required

        wanted = two_factor_required(obj) if extracted is None else extracted
        if create and wanted and not has_totp(obj):
            TOTP.activate(obj, TEST_TOTP_SECRET)


def applicant_data(**overrides) -> ApplicantData:
    values = {
        "name": "Олена Коваленко",
        "phone": "+380671112233",
        "email": "olena@example.org",
        "address": "м. Вікно, вул. Соборна, 10, кв. 5",
        "consent": True,
    }
    values.update(overrides)
    return ApplicantData(**values)


def register_appeal(*, actor, category, **overrides):
    """Register an appeal through the service, as every channel does."""
    values = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.PHONE,
        "text": "Третій день немає холодної води в будинку.",
        "address": "вул. Соборна, 10",
        "applicant": applicant_data(),
    }
    values.update(overrides)
    return appeal_register(actor=actor, category=category, **values)
