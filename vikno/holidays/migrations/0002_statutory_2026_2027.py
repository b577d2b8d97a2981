"""Statutory public holidays of Ukraine for 2026 and 2027 (Labour Code art. 73) and the
days off that art. 67 moves to the next working day when a holiday falls on a weekend.

Under martial law (Law No. 2136-IX, art. 6) art. 67 and 73 do not apply: these are working
days. The rows are loaded anyway; the setting VIKNO_HOLIDAYS_ARE_DAYS_OFF decides whether
the calendar counts (see vikno.holidays.models). Administrators add later years in the admin.
"""

from datetime import date, timedelta

from django.db import migrations

YEARS = (2026, 2027)


def orthodox_easter(year: int) -> date:
    """Easter by the Julian computus (Meeus), as a Gregorian date (+13 days in 1900-2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return date(year, month, day + 1) + timedelta(days=13)


def statutory(year: int) -> list[tuple[date, str]]:
    easter = orthodox_easter(year)
    return sorted(
        [
            (date(year, 1, 1), "Новий рік"),
            (date(year, 3, 8), "Міжнародний жіночий день"),
            (easter, "Великдень (Пасха)"),
            (easter + timedelta(days=49), "Трійця"),
            (date(year, 5, 1), "День праці"),
            (date(year, 5, 8), "День пам'яті та перемоги над нацизмом у Другій світовій війні"),
            (date(year, 6, 28), "День Конституції України"),
            (date(year, 7, 15), "День Української Державності"),
            (date(year, 8, 24), "День незалежності України"),
            (date(year, 10, 1), "День захисників і захисниць України"),
            (date(year, 12, 25), "Різдво Христове"),
        ]
    )


def calendar_rows(year: int) -> list[tuple[date, str, str]]:
    holidays = statutory(year)
    taken = {day for day, _ in holidays}
    rows = [(day, name, "holiday") for day, name in holidays]
    for day, name in holidays:
        if day.weekday() < 5:
            continue
        moved = day + timedelta(days=1)
        while moved.weekday() >= 5 or moved in taken:
            moved += timedelta(days=1)
        taken.add(moved)
        rows.append((moved, f"Вихідний замість {day:%d.%m} ({name}), ст. 67 КЗпП", "transferred_day_off"))
    return sorted(rows)


def load(apps, schema_editor):
    Holiday = apps.get_model("holidays", "Holiday")
    for year in YEARS:
        for day, name, kind in calendar_rows(year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name, "kind": kind})


def unload(apps, schema_editor):
    Holiday = apps.get_model("holidays", "Holiday")
    days = [day for year in YEARS for day, _, _ in calendar_rows(year)]
    Holiday.objects.filter(date__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("holidays", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
