"""`field__among=[...]`: IN over a fixed list of codes, written into the SQL itself.

SQLite uses a partial index (e.g. "open appeals by due time") only when the query's
condition is recognisably the index's, and a bound parameter never is: with `status__in`
a page of the open queue sorted every open appeal (bench/, scenario 2). `among` takes only
our own choice codes (lowercase letters, digits, "_" and "-"), never user input, so writing
them as literals is safe; anything else is refused.
"""

import re

from django.db.models import CharField, Lookup

_CODE = re.compile(r"[a-z0-9_-]+")


@CharField.register_lookup
class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) and _CODE.fullmatch(v) for v in values):
            raise ValueError(f"__among takes a non-empty list of choice codes, not {values!r}")
        return values

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        literals = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({literals})", params
