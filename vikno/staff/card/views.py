"""The appeal card: everything about one appeal, and the actions the person may take on it.

Every action posts to the same service function the API calls; a refusal (ServiceError)
is shown next to its form and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from vikno.appeals import services
from vikno.appeals.models import Appeal
from vikno.appeals.permissions import (
    available_actions,
    delegable_assignments,
    personal_data_visible,
    role_of,
)
from vikno.appeals.selectors import duplicate_candidates
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.errors import ServiceError, ValidationFailed
from vikno.privacy.masking import mask_email, mask_name, mask_phone
from vikno.privacy.services import access_record
from vikno.reference.models import Organization
from vikno.reference.selectors import subtree_ids
from vikno.staff.access import staff_view
from vikno.staff.card import forms
from vikno.staff.card.selectors import card_appeal, card_data

# --- the actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: Any
    form: type
    run: Callable[[HttpRequest, Appeal, Any], Any]
    done: Any
    multipart: bool = False


def _appeal_by_number(number: str) -> Appeal:
    found = Appeal.objects.filter(number=(number or "").strip()).first()
    if found is None:
        msg = _("There is no appeal with this number.")
        raise ValidationFailed(msg, fields={"parent": [msg]})
    return found


def _preprocess(request, appeal, data):
    updates = {
        key: data[f"applicant_{key}"]
        for key in ("name", "phone", "email", "address")
        if data.get(f"applicant_{key}")
    }
    changes = services.Preprocessing(
        kind=data["kind"] or None,
        category=data["category"],
        territory=data["territory"],
        term=data["term"] or None,
        address=data["address"] or None,
        applicant_updates=updates,
    )
    return services.appeal_preprocess(actor=request.user, appeal=appeal, changes=changes)


def _reject(request, appeal, data):
    earlier = None
    if data["repeated_of"]:
        earlier = Appeal.objects.filter(number=data["repeated_of"].strip()).first()
        if earlier is None:
            msg = _("There is no appeal with this number.")
            raise ValidationFailed(msg, fields={"repeated_of": [msg]})
    return services.appeal_reject(
        actor=request.user,
        appeal=appeal,
        reason=data["reason"],
        comment=data["comment"],
        repeated_of=earlier,
    )


def _delegate(request, appeal, data):
    assignment = appeal.assignments.filter(pk=data["assignment"]).first()
    if assignment is None:
        raise ValidationFailed(_("Choose the part to pass down."))
    return services.assignment_delegate(
        actor=request.user,
        assignment=assignment,
        organization=data["organization"],
        due=data["due"],
        instruction=data["instruction"],
    )


ACTIONS: dict[str, Action] = {
    "preprocess": Action(
        gettext_lazy("Pre-process"),
        forms.PreprocessForm,
        _preprocess,
        gettext_lazy("Pre-processed."),
    ),
    "answer_on_spot": Action(
        gettext_lazy("Answer on the spot"),
        forms.AnswerOnSpotForm,
        lambda r, a, d: services.appeal_answer_on_spot(actor=r.user, appeal=a, answer=d["answer"]),
        gettext_lazy("Answered and closed."),
    ),
    "resolve": Action(
        gettext_lazy("Issue a resolution"),
        forms.ResolveForm,
        lambda r, a, d: services.appeal_resolve(
            actor=r.user,
            appeal=a,
            lead=d["lead"],
            co_executors=d["co_executor_rows"],
            due=d["due"],
            instruction=d["instruction"],
        ),
        gettext_lazy("Resolution issued."),
    ),
    "forward": Action(
        gettext_lazy("Forward by competence"),
        forms.ForwardForm,
        lambda r, a, d: services.appeal_forward(
            actor=r.user,
            appeal=a,
            organization=d["organization"],
            co_executors=list(d["co_executors"]),
            due=d["due"],
            instruction=d["instruction"],
        ),
        gettext_lazy("Forwarded."),
    ),
    "forward_out": Action(
        gettext_lazy("Send to another body"),
        forms.ForwardOutForm,
        lambda r, a, d: services.appeal_forward_out(
            actor=r.user, appeal=a, organization=d["organization"], note=d["note"]
        ),
        gettext_lazy("Sent to the competent body."),
    ),
    "accept": Action(
        gettext_lazy("Accept"),
        forms.EmptyForm,
        lambda r, a, d: services.appeal_accept(actor=r.user, appeal=a),
        gettext_lazy("Accepted."),
    ),
    "return": Action(
        gettext_lazy("Return: not our competence"),
        forms.ReturnForm,
        lambda r, a, d: services.appeal_return(actor=r.user, appeal=a, reason=d["reason"]),
        gettext_lazy("Returned."),
    ),
    "start_work": Action(
        gettext_lazy("Start work"),
        forms.EmptyForm,
        lambda r, a, d: services.appeal_start_work(actor=r.user, appeal=a),
        gettext_lazy("Work started."),
    ),
    "report_execution": Action(
        gettext_lazy("Report execution"),
        forms.ReportForm,
        lambda r, a, d: services.appeal_report_execution(
            actor=r.user,
            appeal=a,
            report=d["report"],
            files=d["files"],
        ),
        gettext_lazy("Execution reported."),
        multipart=True,
    ),
    "verify": Action(
        gettext_lazy("Verify with the applicant"),
        forms.VerifyForm,
        lambda r, a, d: services.appeal_verify(
            actor=r.user, appeal=a, confirmed=d["confirmed"], note=d["note"]
        ),
        gettext_lazy("Verification recorded."),
    ),
    "extend": Action(
        gettext_lazy("Extend the term"),
        forms.ExtendForm,
        lambda r, a, d: services.appeal_extend(
            actor=r.user, appeal=a, due=d["due"], reason=d["reason"]
        ),
        gettext_lazy("Term extended."),
    ),
    "reject": Action(
        gettext_lazy("Leave without consideration"),
        forms.RejectForm,
        _reject,
        gettext_lazy("Left without consideration."),
    ),
    "merge": Action(
        gettext_lazy("Merge as a duplicate"),
        forms.MergeForm,
        lambda r, a, d: services.appeal_merge(
            actor=r.user, appeal=a, parent=_appeal_by_number(d["parent"])
        ),
        gettext_lazy("Merged."),
    ),
    "reopen": Action(
        gettext_lazy("Re-open"),
        forms.ReopenForm,
        lambda r, a, d: services.appeal_reopen(actor=r.user, appeal=a, reason=d["reason"]),
        gettext_lazy("Re-opened."),
    ),
    "delegate": Action(
        gettext_lazy("Pass a part further down"),
        forms.DelegateForm,
        _delegate,
        gettext_lazy("Part passed down."),
    ),
    "note": Action(
        gettext_lazy("Add an internal comment"),
        forms.NoteForm,
        lambda r, a, d: services.appeal_note_add(actor=r.user, appeal=a, text=d["text"]),
        gettext_lazy("Comment added."),
    ),
}


def _subtree_organizations(user):
    qs = forms.internal_organizations()
    if role_of(user) == "supervisor" and user.organization_id:
        qs = qs.filter(pk__in=subtree_ids(Organization, [user.organization_id]))
    return qs


def _make_form(action: str, request, appeal, assignments, data=None, files=None):
    form_class = ACTIONS[action].form
    if action == "delegate":
        return form_class(
            data,
            files,
            prefix=action,
            assignments=delegable_assignments(request.user, assignments),
            organizations=_subtree_organizations(request.user),
        )
    return form_class(data, files, prefix=action)


# --- the card -------------------------------------------------------------------------


def _urgency(appeal: Appeal) -> str:
    if not appeal.is_open:
        return "final"
    moment = now()
    if appeal.due_at < moment:
        return "overdue"
    if appeal.due_at < due_soon_threshold(moment):
        return "soon"
    return "ok"


def _applicant_context(appeal: Appeal, sees_personal_data: bool, unmasked: bool) -> dict:
    applicant = appeal.applicant
    if applicant is None or not sees_personal_data:
        return {"applicant": None}
    if unmasked:
        shown = {
            "name": applicant.name,
            "phone": applicant.phone,
            "email": applicant.email,
            "address": applicant.address,
        }
    else:
        shown = {
            "name": mask_name(applicant.name),
            "phone": mask_phone(applicant.phone),
            "email": mask_email(applicant.email),
            "address": "",
        }
    return {
        "applicant": applicant,
        "shown": shown,
        "unmasked": unmasked,
        "has_address": bool(applicant.address),
    }


def _context(request, appeal, *, failed=None, failed_form=None, error=None, flash=None):
    data = card_data(appeal)
    actions = available_actions(request.user, appeal, data.assignments)
    sees = appeal.pk in personal_data_visible(request.user, [appeal.pk])
    moment = now()
    action_forms = []
    # A refused action stays on the page with its message, even if it is not offered.
    for action in ([failed] if failed and failed not in actions else []) + actions:
        form = (
            failed_form
            if action == failed
            else _make_form(action, request, appeal, data.assignments)
        )
        action_forms.append(
            {
                "name": action,
                "label": ACTIONS[action].label,
                "form": form,
                "multipart": ACTIONS[action].multipart,
                "error": error if action == failed else None,
                "open": action == failed,
            }
        )
    return {
        "appeal": appeal,
        "card": data,
        "urgency": _urgency(appeal),
        "now": moment,
        "action_forms": action_forms,
        "candidates": list(duplicate_candidates(appeal, limit=10)) if "merge" in actions else [],
        "sees_personal_data": sees,
        "unmask_form": forms.UnmaskForm(),
        "flash": flash,
        **_applicant_context(appeal, sees, unmasked=False),
    }


def _card_or_404(request, number: str) -> Appeal:
    appeal = card_appeal(request.user, number)
    if appeal is None:
        raise Http404
    return appeal


@require_GET
@staff_view()
def card(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _card_or_404(request, number)
    context = _context(request, appeal)
    if context["applicant"] is not None:
        # Opening the card shows (masked) personal data: one log row per view.
        access_record(
            actor=request.user,
            applicant=appeal.applicant,
            appeal=appeal,
            what="card_opened",
            request=request,
        )
    return render(request, "staff/card/card.html", context)


@require_POST
@staff_view()
def contacts(request: HttpRequest, number: str) -> HttpResponse:
    """Unmask the applicant's contacts, with a reason written to the access log."""
    appeal = _card_or_404(request, number)
    sees = appeal.pk in personal_data_visible(request.user, [appeal.pk])
    if appeal.applicant is None or not sees:
        raise Http404
    form = forms.UnmaskForm(request.POST)
    unmasked = form.is_valid()
    if unmasked:
        access_record(
            actor=request.user,
            applicant=appeal.applicant,
            appeal=appeal,
            what="contact_unmasked",
            reason=form.cleaned_data["reason"],
            request=request,
        )
    context = {
        "appeal": appeal,
        "unmask_form": form,
        "sees_personal_data": True,
        **_applicant_context(appeal, True, unmasked=unmasked),
    }
    if request.htmx:
        return render(request, "staff/card/_applicant.html", context)
    full = _context(request, appeal)
    full.update(context)
    return render(request, "staff/card/card.html", full, status=200 if unmasked else 400)


@require_POST
@staff_view()
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action of the card through its service function."""
    appeal = _card_or_404(request, number)
    if action not in ACTIONS:
        raise Http404
    assignments = list(appeal.assignments.select_related("organization"))
    form = _make_form(action, request, appeal, assignments, request.POST, request.FILES)
    error = None
    status = 400
    if form.is_valid():
        try:
            ACTIONS[action].run(request, appeal, form.cleaned_data)
        except ServiceError as exc:
            error = exc.message
            status = exc.status
            for name, msgs in exc.fields.items():
                if name in form.fields:
                    for msg in msgs:
                        form.add_error(name, msg)
        else:
            done = str(ACTIONS[action].done)
            if request.htmx:
                appeal = _card_or_404(request, number)
                return render(
                    request, "staff/card/_card.html", _context(request, appeal, flash=done)
                )
            messages.success(request, done)
            return redirect("staff:appeal", number=appeal.number)
    else:
        error = _("Check the marked fields.")
    appeal = _card_or_404(request, number)  # re-read: nothing was changed
    context = _context(request, appeal, failed=action, failed_form=form, error=error)
    if request.htmx:
        return render(request, "staff/card/_card.html", context)
    return render(request, "staff/card/card.html", context, status=status)


@require_GET
@staff_view()
def attachment(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """A stored file, served only to those who may open the card."""
    appeal = _card_or_404(request, number)
    stored = appeal.attachments.filter(token=token).first()
    if stored is None:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=stored.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{stored.token}{stored.extension}"'
    return response
