"""The calendar is edited by administrators in the admin, with the martial-law note."""

from datetime import date

import pytest

from vikno.accounts.models import Role
from vikno.holidays.models import HELP_MARTIAL_LAW, Holiday, HolidayKind


@pytest.mark.django_db
def test_administrators_add_a_transfer_in_the_admin(client, world):
    client.force_login(world["users"][Role.ADMINISTRATOR])
    listing = client.get("/admin/holidays/holiday/")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == Holiday.objects.count() == 31
    assert listing.context["subtitle"] == HELP_MARTIAL_LAW
    response = client.post(
        "/admin/holidays/holiday/add/",
        {"date": "2027-01-02", "name": "Робоча субота", "kind": HolidayKind.WORKING_SATURDAY},
    )
    assert response.status_code == 302
    added = Holiday.objects.get(date=date(2027, 1, 2))
    assert (added.name, added.kind) == ("Робоча субота", HolidayKind.WORKING_SATURDAY)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.ANALYST])
def test_other_roles_do_not_edit_the_calendar(client, world, role):
    client.force_login(world["users"][role])
    response = client.get("/admin/holidays/holiday/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/holidays/holiday/",
    )
    assert Holiday.objects.count() == 31
