"""The operator console: register a phone call in under a minute, by keyboard alone.

After a registration the operator stays on a fresh console with the new number shown
(and a link to the card): the number is what they read out to the caller, and the next
call comes in at once; opening the card is one keystroke away when it is needed.
"""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vikno.appeals.choices import Channel
from vikno.appeals.models import Appeal, Applicant
from vikno.appeals.permissions import ROLES_FOR_ACTION, visible_appeals
from vikno.appeals.selectors import appeals_of_phone, duplicate_candidates_for
from vikno.appeals.services import (
    ApplicantData,
    appeal_answer_on_spot,
    appeal_merge,
    appeal_register,
)
from vikno.core.errors import ServiceError
from vikno.core.text import normalize_phone
from vikno.privacy.services import access_record
from vikno.reference.models import Category
from vikno.reference.selectors import category_search, leaf_category_paths
from vikno.staff.access import staff_view
from vikno.staff.console.forms import CallForm
from vikno.staff.queues.links import appeal_card_url

CONSOLE_ROLES = ROLES_FOR_ACTION["register"]
# Service field names → the console's own fields.
_FIELD_MAP = {"applicant.consent": "consent", "received_at": None, "latitude": None}


def _caller(request: HttpRequest, phone: str) -> dict:
    """The caller's known identities and appeals; each identity shown is logged as an
    access to personal data (the operator opened it because of this call)."""
    normalized = normalize_phone(phone)
    if len(normalized) < 10:
        return {"phone": phone, "searched": bool(phone.strip()), "applicants": [], "valid": False}
    user = request.user
    open_ = list(visible_appeals(user, appeals_of_phone(normalized, open_only=True)))
    earlier = list(visible_appeals(user, appeals_of_phone(normalized, open_only=False, limit=10)))
    for appeal in open_ + earlier:
        appeal.card_url = appeal_card_url(appeal.number)
    # The console is the front office's (operators, supervisors, administrators), who see
    # every applicant's data (vikno.appeals.permissions.personal_data_visible).
    applicants = list(Applicant.objects.filter(phone=normalized).order_by("-id")[:5])
    for applicant in applicants:
        access_record(
            actor=user,
            applicant=applicant,
            what="caller_lookup",
            reason="incoming call",
            request=request,
        )
    return {
        "phone": normalized,
        "searched": True,
        "valid": True,
        "applicants": applicants,
        "open": open_,
        "earlier": earlier,
    }


def _initial(request: HttpRequest, caller: dict | None) -> dict:
    # The number as the telephony sent it, written the one way Vikno stores it.
    initial = {"phone": caller["phone"] if caller else request.GET.get("phone", "")}
    if caller and len(caller["applicants"]) == 1:
        person = caller["applicants"][0]
        initial.update(
            name=person.name,
            residence=person.address,
            applicant_kind=person.kind,
            is_privileged=person.is_privileged,
        )
    return initial


@require_http_methods(["GET", "POST"])
@staff_view(roles=CONSOLE_ROLES)
def call_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _call_submit(request)
    phone = request.GET.get("phone", "")
    caller = _caller(request, phone) if phone.strip() else None
    number = request.GET.get("done", "")
    done = None
    if number:
        done = visible_appeals(request.user, Appeal.objects.filter(number=number)).first()
        if done is not None:
            done.card_url = appeal_card_url(done.number)
    form = CallForm(initial=_initial(request, caller))
    return _render(request, form, caller=caller, done=done)


def _render(request, form, *, caller=None, done=None, error="", status=200):
    chosen = _chosen_category(form)
    duplicates = _duplicates(request, chosen, form["address"].value() or "")
    context = {
        "form": form,
        "caller": caller,
        "done": done,
        "error": error,
        "chosen": chosen,
        "categories": [] if chosen is None else [(chosen, _path_of(chosen))],
        "duplicates": duplicates,
    }
    return render(request, "staff/console/call_new.html", context, status=status)


def _chosen_category(form) -> Category | None:
    code = form["category"].value()
    if not code:
        return None
    return Category.objects.filter(code=code, is_active=True).first()


def _path_of(category: Category) -> str:
    return next((path for c, path in leaf_category_paths() if c.pk == category.pk), "")


def _duplicates(request, category, address) -> list[Appeal]:
    found = list(
        visible_appeals(request.user, duplicate_candidates_for(category=category, address=address))
    )
    for appeal in found:
        appeal.card_url = appeal_card_url(appeal.number)
    return found


def _call_submit(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    if data.get("merge_into"):
        data["action"] = "merge"
        data["parent"] = data["merge_into"]
    form = CallForm(data)
    if not form.is_valid():
        return _render(request, form, status=422)
    d = form.cleaned_data
    user = request.user
    parent = None
    if d["action"] == "merge":
        parent = visible_appeals(user, Appeal.objects.filter(number=d["parent"].strip())).first()
        if parent is None:
            form.add_error(None, _("The appeal to link to was not found."))
            return _render(request, form, status=422)
    applicant = ApplicantData(
        kind=d["applicant_kind"],
        name=d["name"],
        phone=d["phone"],
        address=d["residence"],
        consent=d["consent"],
        is_privileged=d["is_privileged"],
    )
    try:
        # One transaction: a refused merge or answer leaves no half-made appeal behind.
        with transaction.atomic():
            appeal = appeal_register(
                actor=user,
                kind=d["kind"],
                channel=Channel.PHONE,
                category=d["category"],
                text=d["text"],
                address=d["address"],
                applicant=applicant,
                urgent=d["urgent"],
            )
            if d["action"] == "on_spot":
                appeal = appeal_answer_on_spot(actor=user, appeal=appeal, answer=d["answer"])
            elif d["action"] == "merge":
                appeal = appeal_merge(actor=user, appeal=appeal, parent=parent)
    except ServiceError as exc:
        for name, messages in exc.fields.items():
            target = _FIELD_MAP.get(name, name)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
        return _render(request, form, error=exc.message, status=exc.status)
    return redirect(f"{reverse('staff:call_new')}?{urlencode({'done': appeal.number})}")


@require_GET
@staff_view(roles=CONSOLE_ROLES)
def call_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's history as the operator types the number."""
    caller = _caller(request, request.GET.get("phone", ""))
    return render(request, "staff/console/_caller.html", {"caller": caller})


@require_GET
@staff_view(roles=CONSOLE_ROLES)
def call_categories(request: HttpRequest) -> HttpResponse:
    """htmx: leaf categories matching what is typed; the chosen one stays in the list."""
    query = request.GET.get("category_q", "")
    chosen = Category.objects.filter(code=request.GET.get("category", ""), is_active=True).first()
    found = category_search(query)
    if chosen is not None and all(c.pk != chosen.pk for c, _path in found):
        found = [(chosen, _path_of(chosen)), *found]
    context = {"categories": found, "chosen": chosen, "query": query}
    return render(request, "staff/console/_categories.html", context)


@require_GET
@staff_view(roles=CONSOLE_ROLES)
def call_duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: open appeals with the same address and category, to link the call to."""
    chosen = Category.objects.filter(code=request.GET.get("category", ""), is_active=True).first()
    duplicates = _duplicates(request, chosen, request.GET.get("address", ""))
    context = {"duplicates": duplicates, "chosen": chosen}
    return render(request, "staff/console/_duplicates.html", context)
