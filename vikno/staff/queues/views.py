"""Queue pages: tabs with counts, a filtered, sorted, paginated list, and bulk forwarding."""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vikno.appeals.choices import Channel, Kind, Priority, Status
from vikno.appeals.models import Appeal
from vikno.appeals.permissions import (
    may,
    personal_data_visible,
    sees_personal_data,
    visible_appeals,
)
from vikno.appeals.selectors import AppealFilter, appeal_list, appeal_rows
from vikno.appeals.services import appeal_forward
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.errors import ServiceError
from vikno.core.paging import CappedCount, capped_page
from vikno.staff.access import staff_view
from vikno.staff.queues.counts import QUEUE_ROLES, QUEUES, QUEUES_BY_SLUG, queue_counts
from vikno.staff.queues.forms import ROUTING, SORTS, QueueFilterForm, executor_organizations
from vikno.staff.queues.links import appeal_card_url

PAGE_SIZE = 25
_PHONE_LIKE = re.compile(r"^[\d\s()+\-]{10,}$")


@dataclass
class Row:
    appeal: Appeal
    card_url: str
    urgency: str  # "overdue", "due-soon" or "ok" (closed appeals: "")
    show_person: bool
    kind: str
    channel: str
    status: str


def _labels(choices) -> dict[str, str]:
    """A field's choices as {value: label} in the current language, made once per page
    (get_FOO_display rebuilds its dict on every call: 75 times a page)."""
    return {value: str(label) for value, label in choices}


def _urgency(appeal: Appeal, moment, soon) -> str:
    if not appeal.is_open:
        return ""
    if appeal.due_at < moment:
        return "overdue"
    if appeal.due_at < soon:
        return "due-soon"
    return "ok"


@staff_view(roles=QUEUE_ROLES)
def queue(request: HttpRequest, slug: str = "preprocess") -> HttpResponse:
    current = QUEUES_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    return _render_queue(request, current)


def _render_queue(request, current, *, results=None, status=200) -> HttpResponse:
    user = request.user
    moment = now()
    soon = due_soon_threshold(moment)
    organizations = executor_organizations()
    form = QueueFilterForm(request.GET or None, organizations=organizations)
    may_see_people = sees_personal_data(user)
    search = form.value("q").strip()
    notice = ""
    if search and not may_see_people and _PHONE_LIKE.match(search):
        # A phone number is personal data: a role that may not see it may not search by it
        # (the list would tell whose appeals these are).
        notice = _("Your role cannot search by phone number.")
    filters = AppealFilter(
        category=form.value("category") or None,
        organization=form.value("organization") or None,
        territory=form.value("territory") or None,
        channel=form.value("channel") or None,
        kind=form.value("kind") or None,
        text=search or None,
    )
    sort = form.value("sort") or "-received"
    qs = visible_appeals(user, appeal_list(filters)).filter(current.condition(moment))
    if notice:
        qs = qs.none()
    # The page's ids first (sorting reads only the index of status and due time), then its
    # rows with what they show: sorting whole rows of 400,000 open appeals to keep 50 took
    # seconds (bench/, scenario 2).
    ordered = qs.order_by(*SORTS[sort][0]).values_list("pk", flat=True)
    page = capped_page(ordered, request.GET.get("page"), PAGE_SIZE)
    appeals = appeal_rows(list(page.object_list))
    people = personal_data_visible(user, [a.pk for a in appeals]) if may_see_people else set()
    kinds, channels, statuses = (
        _labels(Kind.choices),
        _labels(Channel.choices),
        _labels(Status.choices),
    )
    rows = [
        Row(
            appeal=a,
            card_url=appeal_card_url(a.number),
            urgency=_urgency(a, moment, soon),
            show_person=a.pk in people,
            kind=kinds.get(a.kind, a.kind),
            channel=channels.get(a.channel, a.channel),
            status=statuses.get(a.status, a.status),
        )
        for a in appeals
    ]
    counts = queue_counts(user, moment=moment) or {}
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    # Column headers sort; a second click on the same column turns the order round.
    toggles = {
        "received": "received" if sort == "-received" else "-received",
        "due": "-due" if sort == "due" else "due",
    }
    aria_sort = {
        "received": {"received": "ascending", "-received": "descending"}.get(sort, "none"),
        "due": {"due": "ascending", "-due": "descending"}.get(sort, "none"),
    }
    context = {
        "queues": [(q, counts.get(q.slug, CappedCount(0))) for q in QUEUES],
        "current": current,
        "form": form,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "unsorted": unsorted.urlencode(),
        "toggles": toggles,
        "aria_sort": aria_sort,
        "sort": sort,
        "notice": notice,
        "may_see_people": may_see_people,
        "may_forward": may(user, "forward"),
        "organizations": organizations,
        "routing": ROUTING,
        "results": results,
        "Priority": Priority,
    }
    return render(request, "staff/queues/queue.html", context, status=status)


@dataclass
class ForwardResult:
    number: str
    card_url: str
    ok: bool
    message: str


@require_POST
@staff_view(roles=QUEUE_ROLES)
def bulk_forward(request: HttpRequest, slug: str) -> HttpResponse:
    """Forward each chosen appeal; one refusal does not stop the others."""
    current = QUEUES_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    if not may(request.user, "forward"):
        raise PermissionDenied
    numbers = list(dict.fromkeys(n.strip() for n in request.POST.getlist("appeal") if n.strip()))
    choice = request.POST.get("organization", "")
    organization = None
    problem = ""
    if not numbers:
        problem = _("Choose at least one appeal.")
    elif choice != ROUTING:
        organization = next((o for o in executor_organizations() if o.code == choice), None)
        if organization is None:
            problem = _("Choose the executor, or forward by the routing rules.")
    results: list[ForwardResult] = []
    if problem:
        results.append(ForwardResult("", "", False, problem))
        return _render_queue(request, current, results=results, status=422)
    found = {
        a.number: a
        for a in visible_appeals(request.user, Appeal.objects.with_card()).filter(
            number__in=numbers
        )
    }
    for number in numbers:
        appeal = found.get(number)
        if appeal is None:
            results.append(ForwardResult(number, "", False, _("No such appeal.")))
            continue
        try:
            forwarded = appeal_forward(actor=request.user, appeal=appeal, organization=organization)
        except ServiceError as exc:
            results.append(ForwardResult(number, appeal_card_url(number), False, exc.message))
        else:
            results.append(
                ForwardResult(
                    number,
                    appeal_card_url(number),
                    True,
                    _("Forwarded to %(org)s.") % {"org": forwarded.executor},
                )
            )
    return _render_queue(request, current, results=results)
