"""The staff home: each role lands where its work is."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from vikno.accounts.models import Role
from vikno.appeals.permissions import role_of
from vikno.staff.access import staff_view

LANDING = {
    Role.OPERATOR: "staff:queues",
    Role.EXECUTOR: "staff:inbox",
    Role.SUPERVISOR: "staff:control",
    Role.ANALYST: "staff:queues",
    Role.ADMINISTRATOR: "staff:queues",
}


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    return redirect(LANDING[role_of(request.user)])
