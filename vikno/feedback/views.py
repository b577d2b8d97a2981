"""The applicant's pages: "Is the problem solved?" and the rating. Thin: the forms check
what was typed, vikno.feedback.services decides. No personal data is shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vikno.appeals.choices import Status
from vikno.core.errors import ServiceError
from vikno.feedback.forms import ConfirmForm, RatingForm
from vikno.feedback.selectors import request_by_token
from vikno.feedback.services import appeal_confirm_by_applicant, rating_create
from vikno.public.views import _private


def _not_found(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "public/track_not_found.html", status=404))


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    feedback = request_by_token(token)
    if feedback is None:
        return _not_found(request)
    appeal = feedback.appeal
    status = 200
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                appeal_confirm_by_applicant(
                    token=token,
                    confirmed=form.cleaned_data["solved"],
                    comment=form.cleaned_data["comment"],
                )
            except ServiceError as error:
                form.add_service_error(error)
                status = error.status
            else:
                if form.cleaned_data["solved"]:
                    return redirect("feedback:rate", token=token)
                return redirect("feedback:confirm", token=token)
        else:
            status = 422
    else:
        form = ConfirmForm()
    context = {
        "form": form,
        "appeal": appeal,
        "feedback": feedback,
        "token": token,
        "open": feedback.is_pending and appeal.status == Status.EXECUTED,
    }
    return _private(render(request, "feedback/confirm.html", context, status=status))


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    feedback = request_by_token(token)
    if feedback is None:
        return _not_found(request)
    appeal = feedback.appeal
    status = 200
    rated = False
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                rating_create(token=token, **form.cleaned_data)
            except ServiceError as error:
                form.add_service_error(error)
                status = error.status
            else:
                rated = True
        else:
            status = 422
    else:
        form = RatingForm()
    context = {
        "form": form,
        "appeal": appeal,
        "token": token,
        "rated": rated or hasattr(appeal, "rating"),
        "closed": appeal.status == Status.CLOSED,
    }
    return _private(render(request, "feedback/rate.html", context, status=status))
