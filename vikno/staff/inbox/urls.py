"""The executor's inbox: /staff/inbox/ and its inline actions."""

from django.urls import path

from vikno.staff.inbox import slot, views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/<str:action>/", views.act, name="inbox_act"),
    path("inbox/extension/<str:number>/", slot.extension_slot, name="extension_slot"),
]
