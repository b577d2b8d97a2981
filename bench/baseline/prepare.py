"""`python -m bench.baseline.prepare`: create the baseline's one table if it is missing."""

from __future__ import annotations

import os


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline.settings"
    import django

    django.setup()
    from django.db import connection

    from bench.baseline.models import Row

    if Row._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(Row)


if __name__ == "__main__":
    main()
