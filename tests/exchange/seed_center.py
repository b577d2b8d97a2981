"""Reference data and API keys of one center of the two-server test:
`python -m tests.exchange.seed_center up|down` prints {key name: plain key} as JSON.

Both centers know the category "no-cold-water". The upstream (city) has the organization
"hromada-cc" standing for the downstream center; the downstream (hromada) has its utility
"vodokanal" with one executor, "water-executor". Keys are made by `manage.py apikey
create` (called in this process to spare a start of Django per key): "ops" acts as an
operator on both; "water" as the hromada's executor.
"""

import json
import sys
from io import StringIO


def main(role: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from vikno.accounts.models import Role, User
    from vikno.reference.models import Category, Organization

    Category.objects.create(code="no-cold-water", name="Відсутність холодної води")
    keys = {"ops": ["--role", "operator"]}
    if role == "up":
        Organization.objects.create(
            code="hromada-cc", name="Контактний центр громади", kind="contact_center"
        )
    else:
        water = Organization.objects.create(code="vodokanal", name="КП «Водоканал»", kind="utility")
        User.objects.create(username="water-executor", role=Role.EXECUTOR, organization=water)
        keys["water"] = ["--user", "water-executor"]
    plain = {}
    for name, args in keys.items():
        out = StringIO()
        call_command("apikey", "create", name, *args, stdout=out, stderr=StringIO())
        plain[name] = out.getvalue().split()[-1]
    print(json.dumps(plain))


if __name__ == "__main__":
    main(sys.argv[1])
