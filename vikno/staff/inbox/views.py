"""The executor's inbox: my organization's open assignments, most urgent first, with the
actions an executor takes in the field (accept, return, start, report with photos, ask for
more time). Every button calls the service the API calls; a refusal is shown on the row
and changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from vikno.appeals import services
from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES, AssignmentState
from vikno.appeals.models import Appeal, Assignment
from vikno.appeals.permissions import INBOX_ROLES, inbox_organization_id
from vikno.appeals.selectors import (
    inbox_assignment,
    inbox_assignments,
    inbox_counts,
    inbox_rows,
)
from vikno.core.clock import now
from vikno.core.errors import ServiceError
from vikno.core.paging import CappedCount, capped_page
from vikno.staff.access import staff_view
from vikno.staff.inbox.forms import ExtensionForm, ReportForm, ReturnForm
from vikno.staff.inbox.helpers import card_url, extension_bounds, form_refusal
from vikno.staff.inbox.slot import slot_response
from vikno.staff.urgency import Urgency, urgency

PAGE_SIZE = 25

# (state filter, tab label, access key)
TABS = [
    ("", gettext_lazy("All"), "1"),
    (AssignmentState.PENDING, gettext_lazy("New"), "2"),
    (AssignmentState.ACCEPTED, gettext_lazy("Accepted"), "3"),
    (AssignmentState.IN_WORK, gettext_lazy("In work"), "4"),
]
TAB_STATES = {state for state, _label, _key in TABS}


@dataclass
class Row:
    """One card of the inbox: the assignment and what the page says about it."""

    assignment: Assignment
    urgency: Urgency
    card_url: str | None
    extension: dict[str, Any]
    error: ServiceError | None = None
    failed_action: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    flash: str = ""

    @property
    def active(self) -> bool:
        return self.assignment.state in ACTIVE_ASSIGNMENT_STATES

    @property
    def appeal(self) -> Appeal:
        return self.assignment.appeal


def _row(assignment: Assignment, moment, **extra) -> Row:
    appeal = assignment.appeal
    return Row(
        assignment=assignment,
        urgency=urgency(assignment.due_at, moment),
        card_url=card_url(appeal.number),
        extension=extension_bounds(appeal, moment),
        **extra,
    )


def _tabs(organization_id: int | None, moment, current: str) -> dict[str, Any]:
    counts = (
        inbox_counts(organization_id, moment)
        if organization_id
        else dict.fromkeys(["all", "pending", "accepted", "in_work", "overdue"], CappedCount(0))
    )
    return {
        "tabs": [
            {
                "state": state,
                "label": label,
                "key": key,
                "count": counts[state or "all"],
                "current": state == current,
            }
            for state, label, key in TABS
        ],
        "overdue": counts["overdue"],
    }


@staff_view(roles=INBOX_ROLES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    organization_id = inbox_organization_id(request.user)
    state = request.GET.get("state", "")
    if state not in TAB_STATES:
        state = ""
    moment = now()
    context: dict[str, Any] = {"state": state, "organization": request.user.organization}
    context.update(_tabs(organization_id, moment, state))
    if organization_id:
        # The page's ids are sorted first and its rows then read by id: sorting whole rows
        # (with their appeals) of 100,000 open assignments took a quarter of a second at 1M
        # appeals (bench/, scenario 2). The tab's count is the page's: no second COUNT.
        ids = inbox_assignments(organization_id, state or None).values_list("pk", flat=True)
        count = next(tab["count"] for tab in context["tabs"] if tab["current"])
        page = capped_page(ids, request.GET.get("page"), PAGE_SIZE, count=count)
        context["page"] = page
        context["rows"] = [
            _row(a, moment) for a in inbox_rows(organization_id, list(page.object_list))
        ]
    context["next"] = request.get_full_path()
    return render(request, "staff/inbox/inbox.html", context)


# --- actions ----------------------------------------------------------------------------


def _accept(request, assignment, form):
    services.appeal_accept(
        actor=request.user, appeal=assignment.appeal, organization=assignment.organization
    )
    return _("Accepted: the appeal is in your work.")


def _start(request, assignment, form):
    services.appeal_start_work(
        actor=request.user, appeal=assignment.appeal, organization=assignment.organization
    )
    return _("Work started.")


def _return(request, assignment, form):
    services.appeal_return(
        actor=request.user,
        appeal=assignment.appeal,
        reason=form.cleaned_data["reason"],
        organization=assignment.organization,
    )
    return _("Returned as not your competence; the operators will re-route it.")


def _report(request, assignment, form):
    services.appeal_report_execution(
        actor=request.user,
        appeal=assignment.appeal,
        report=form.cleaned_data["report"],
        files=request.FILES.getlist("files"),
        organization=assignment.organization,
    )
    return _("Execution reported.")


def _extension(request, assignment, form):
    services.extension_request(
        actor=request.user,
        appeal=assignment.appeal,
        due=form.due_at(),
        reason=form.cleaned_data["reason"],
        organization=assignment.organization,
    )
    return _("Extension requested; the head will decide.")


ACTIONS: dict[str, tuple[type | None, Callable[..., str]]] = {
    "accept": (None, _accept),
    "start": (None, _start),
    "return": (ReturnForm, _return),
    "report": (ReportForm, _report),
    "extension": (ExtensionForm, _extension),
}


@staff_view(roles=INBOX_ROLES)
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    organization_id = inbox_organization_id(request.user)
    assignment = (
        Assignment.objects.select_related("appeal", "organization")
        .filter(pk=pk, organization_id=organization_id)
        .first()
        if organization_id
        else None
    )
    if assignment is None:  # not my organization's: as if it did not exist
        raise Http404
    form_class, run = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    error: ServiceError | None = None
    flash = ""
    if form is not None and not form.is_valid():
        error = form_refusal(form)
    else:
        try:
            flash = run(request, assignment, form)
        except ServiceError as exc:
            error = exc

    if request.POST.get("slot"):  # posted from the extension slot of the appeal card
        return slot_response(request, assignment.appeal, error=error, flash=flash)

    moment = now()
    fresh = inbox_assignment(organization_id, pk)
    row = _row(
        fresh,
        moment,
        error=error,
        failed_action=action if error else "",
        values=request.POST.dict() if error else {},
        flash=flash,
    )
    next_url = request.POST.get("next", "")
    if request.htmx:
        # The row in place, and the tab counts (out of band) since the row may have moved.
        context = {"row": row, "oob": True, "state": request.POST.get("tab", ""), "next": next_url}
        context.update(_tabs(organization_id, moment, request.POST.get("tab", "")))
        return render(request, "staff/inbox/_row_response.html", context)
    if error is None:
        messages.success(request, flash)
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(next_url if safe and next_url else "staff:inbox")
    context = {"row": row, "state": request.POST.get("tab", ""), "next": next_url}
    return render(request, "staff/inbox/act.html", context, status=error.status)
