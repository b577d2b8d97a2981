"""Reference data of one center of the two-server test: `python -m tests.exchange.seed_center`.

Both centers know the category "no-cold-water". The upstream (city) has the organization
"hromada-cc" standing for the downstream center; the downstream (hromada) has its utility
"vodokanal" with one executor, "water-executor".
"""

import sys


def main(role: str) -> None:
    import django

    django.setup()
    from vikno.accounts.models import Role, User
    from vikno.reference.models import Category, Organization

    Category.objects.create(code="no-cold-water", name="Відсутність холодної води")
    if role == "up":
        Organization.objects.create(
            code="hromada-cc", name="Контактний центр громади", kind="contact_center"
        )
    else:
        water = Organization.objects.create(code="vodokanal", name="КП «Водоканал»", kind="utility")
        User.objects.create(username="water-executor", role=Role.EXECUTOR, organization=water)


if __name__ == "__main__":
    main(sys.argv[1])
