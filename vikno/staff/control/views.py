"""The supervisor's control board: overdue and due-soon work per subordinate organization,
extension requests to decide, executed appeals to verify with the applicant.

A supervisor bound to an organization sees its subtree; administrators (and a supervisor
bound to none) see all. The counts are one aggregate query, never one per organization.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from vikno.appeals.models import Appeal, Assignment, ExtensionRequest
from vikno.appeals.permissions import CONTROL_ROLES, scope_organization_ids, visible_appeals
from vikno.appeals.selectors import (
    awaiting_verification,
    control_assignments,
    control_board,
    pending_extension_requests,
)
from vikno.appeals.services import appeal_verify, extension_decide
from vikno.core.clock import now
from vikno.core.errors import ServiceError
from vikno.staff.access import staff_view
from vikno.staff.control.forms import DecisionForm, VerifyForm
from vikno.staff.inbox.helpers import card_url
from vikno.staff.inbox.slot import slot_response
from vikno.staff.urgency import Urgency, urgency

LIST_PAGE_SIZE = 50
SECTION_LIMIT = 50  # extension requests and verifications shown at once, oldest first

WHICH = {
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due soon"),
    "open": gettext_lazy("Open"),
}


@dataclass
class ListRow:
    assignment: Assignment
    urgency: Urgency
    card_url: str | None


def _with_links(items, number_of) -> list[dict[str, Any]]:
    return [{"item": item, "card_url": card_url(number_of(item))} for item in items]


@staff_view(roles=CONTROL_ROLES)
@require_GET
def control(request: HttpRequest) -> HttpResponse:
    scope = scope_organization_ids(request.user)
    moment = now()
    board = list(control_board(scope, moment))
    context: dict[str, Any] = {
        "board": board,
        "totals": {
            "open": sum(o.open_count for o in board),
            "due_soon": sum(o.due_soon_count for o in board),
            "overdue": sum(o.overdue_count for o in board),
        },
        "which_labels": WHICH,
    }
    code = request.GET.get("organization")
    if code:
        selected = next((o for o in board if o.code == code), None)
        if selected is None:  # not in this supervisor's subtree (or no such code)
            raise Http404
        which = request.GET.get("which", "overdue")
        if which not in WHICH:
            which = "overdue"
        page = Paginator(control_assignments(selected.pk, which, moment), LIST_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(
            selected=selected,
            which=which,
            which_label=WHICH[which],
            page=page,
            rows=[
                ListRow(a, urgency(a.due_at, moment), card_url(a.appeal.number))
                for a in page.object_list
            ],
        )
        if request.htmx and request.GET.get("part") == "list":
            return render(request, "staff/control/_list.html", context)
    extensions = pending_extension_requests(scope)
    verifications = awaiting_verification(scope)
    context.update(
        extensions=_with_links(extensions[:SECTION_LIMIT], lambda r: r.appeal.number),
        extensions_total=extensions.count(),
        verifications=_with_links(verifications[:SECTION_LIMIT], lambda a: a.number),
        verifications_total=verifications.count(),
    )
    return render(request, "staff/control/control.html", context)


@staff_view(roles=CONTROL_ROLES)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse an extension request (extension_decide checks who may)."""
    found = ExtensionRequest.objects.select_related("appeal", "assignment").filter(pk=pk).first()
    decision = request.POST.get("decision")
    if found is None or decision not in ("approve", "refuse"):
        raise Http404
    scope = scope_organization_ids(request.user)
    if scope is not None and found.assignment.organization_id not in scope:
        raise Http404  # another subtree's request: not even its reason is shown
    form = DecisionForm(request.POST)
    form.is_valid()  # only a free-text note: always valid
    error: ServiceError | None = None
    flash = ""
    try:
        extension_decide(
            actor=request.user,
            request=found,
            approve=decision == "approve",
            note=form.cleaned_data.get("note", ""),
        )
    except ServiceError as exc:
        error = exc
    else:
        flash = (
            _("Approved: the term is extended.")
            if decision == "approve"
            else _("Refused; the executor sees your note.")
        )
    if request.POST.get("slot"):  # posted from the extension slot of the appeal card
        return slot_response(request, found.appeal, error=error, flash=flash)
    request_now = (
        ExtensionRequest.objects.select_related(
            "appeal", "appeal__category", "assignment__organization", "requested_by", "decided_by"
        )
        .filter(pk=pk)
        .get()
    )
    context = {
        "entry": {"item": request_now, "card_url": card_url(request_now.appeal.number)},
        "error": error,
        "failed": decision if error else "",
        "values": request.POST.dict() if error else {},
        "flash": flash,
    }
    return _respond(request, "staff/control/_extension_item.html", context, error, flash)


@staff_view(roles=CONTROL_ROLES)
@require_POST
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Record the applicant's word on an executed appeal: confirmed closes it, not confirmed
    (with what they say) sends it back to work."""
    appeal = visible_appeals(request.user, Appeal.objects.filter(number=number)).first()
    confirmed = request.POST.get("confirmed")
    if appeal is None or confirmed not in ("1", "0"):
        raise Http404
    form = VerifyForm(request.POST)
    form.is_valid()  # only a free-text note: always valid
    error: ServiceError | None = None
    flash = ""
    try:
        appeal = appeal_verify(
            actor=request.user,
            appeal=appeal,
            confirmed=confirmed == "1",
            note=form.cleaned_data.get("note", ""),
        )
    except ServiceError as exc:
        error = exc
    else:
        flash = (
            _("Confirmed: the appeal is closed.")
            if confirmed == "1"
            else _("Not confirmed: the appeal is back in work.")
        )
    appeal = Appeal.objects.select_related("category", "executor").get(pk=appeal.pk)
    context = {
        "entry": {"item": appeal, "card_url": card_url(appeal.number)},
        "error": error,
        "failed": confirmed if error else "",
        "values": request.POST.dict() if error else {},
        "flash": flash,
    }
    return _respond(request, "staff/control/_verify_item.html", context, error, flash)


def _respond(request, fragment: str, context, error: ServiceError | None, flash: str):
    if request.htmx:
        return render(request, fragment, context)
    if error is None:
        messages.success(request, flash)
        return redirect("staff:control")
    context["fragment"] = fragment
    return render(request, "staff/control/refused.html", context, status=error.status)
