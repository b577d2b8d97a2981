"""The appeal card's extension slot (staff/card/_extension_slot.html loads it with htmx):
the executor's "request extension" form, and the head's decision on pending requests."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES
from vikno.appeals.models import Appeal
from vikno.appeals.permissions import inbox_organization_id, may, visible_appeals
from vikno.appeals.selectors import appeal_pending_extensions
from vikno.core.clock import now
from vikno.staff.access import staff_view
from vikno.staff.inbox.helpers import card_url, extension_bounds
from vikno.staff.urgency import urgency


def slot_context(request, appeal: Appeal, *, error=None, flash="") -> dict[str, Any]:
    user = request.user
    moment = now()
    own = None
    organization_id = inbox_organization_id(user)
    if organization_id:
        own = (
            appeal.assignments.filter(
                organization_id=organization_id, state__in=list(ACTIVE_ASSIGNMENT_STATES)
            )
            .select_related("organization")
            .first()
        )
    pending = list(appeal_pending_extensions(appeal))
    own_pending = own is not None and any(r.assignment_id == own.pk for r in pending)
    bounds = extension_bounds(appeal, moment)
    can_request = (
        own is not None
        and appeal.is_open
        and not own_pending
        and bounds["open"]
        and may(user, "request_extension", assignment=own)
    )
    requests = [
        {"request": r, "can_decide": may(user, "decide_extension", assignment=r.assignment)}
        for r in pending
    ]
    return {
        "appeal": appeal,
        "own": own,
        "can_request": can_request,
        "requests": requests,
        "error": error,
        "flash": flash,
        "values": request.POST.dict() if error is not None else {},
        "extension": bounds,
        "card_url": card_url(appeal.number),
        "urgency": urgency(appeal.due_at, moment),
    }


def slot_response(request, appeal: Appeal, *, error=None, flash="") -> HttpResponse:
    appeal = Appeal.objects.get(pk=appeal.pk)  # as the action left it
    context = slot_context(request, appeal, error=error, flash=flash)
    if request.htmx:
        return render(request, "staff/inbox/_extension_slot.html", context)
    if error is None:
        if flash:
            messages.success(request, flash)
        return redirect(context["card_url"] or "staff:inbox")
    return render(request, "staff/inbox/extension_page.html", context, status=error.status)


@staff_view()
@require_GET
def extension_slot(request: HttpRequest, number: str) -> HttpResponse:
    """The card's extension part: the executor's request form, the head's pending decision."""
    appeal = visible_appeals(request.user, Appeal.objects.filter(number=number)).first()
    if appeal is None:
        raise Http404
    context = slot_context(request, appeal)
    template = (
        "staff/inbox/_extension_slot.html" if request.htmx else "staff/inbox/extension_page.html"
    )
    return render(request, template, context)
