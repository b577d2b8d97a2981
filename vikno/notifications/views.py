"""/staff/notifications/: the signed-in member of staff's in-app notifications."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vikno.notifications.selectors import in_app_for, unread_count
from vikno.notifications.services import notification_mark_read
from vikno.staff.access import staff_view

PAGE_SIZE = 50


@staff_view()
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(in_app_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@staff_view()
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    notification_mark_read(actor=request.user, notification_ids=ids or None)
    return redirect("staff:notifications")
