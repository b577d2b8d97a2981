"""Registration numbers: `YYYY-NNNNNNN`, unique in the installation, gap-free within a year.

The counter row is bumped with an UPDATE inside the registration's transaction: on
PostgreSQL the row lock makes a concurrent registration wait for our commit; on SQLite the
IMMEDIATE transaction mode (settings) holds the database write lock from BEGIN. Either way
no two appeals get one number, and a rolled-back registration gives its number back.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from vikno.appeals.models import NumberSequence


def format_number(year: int, value: int) -> str:
    return f"{year}-{value:0{settings.VIKNO_NUMBER_DIGITS}d}"


def number_allocate(*, year: int) -> str:
    """The next number of `year`; call inside the transaction that stores the appeal."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate must run inside the registration's transaction")
    if not NumberSequence.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(year=year, last=1)
        except IntegrityError:
            # Another registration created this year's row first; take the next value.
            NumberSequence.objects.filter(year=year).update(last=F("last") + 1)
    value = NumberSequence.objects.filter(year=year).values_list("last", flat=True).get()
    return format_number(year, value)
