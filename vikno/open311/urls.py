"""Open311 GeoReport v2 at /open311/v2/: every resource as .json or .xml."""

from django.urls import re_path

from vikno.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, views.services, name="open311-services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, views.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, views.requests, name="open311-requests"),
    re_path(r"^requests/(?P<number>[-\w]+)" + FMT, views.request_detail, name="open311-request"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="open311-updates"),
    re_path(r"^tokens/(?P<token>[-\w]+)" + FMT, views.token, name="open311-token"),
]
