"""The appeal card: /staff/appeals/<number>/ and its actions."""

from django.urls import path

from vikno.staff.card import views

urlpatterns = [
    path("appeals/<str:number>/", views.card, name="appeal"),
    path("appeals/<str:number>/contacts/", views.contacts, name="appeal_contacts"),
    path("appeals/<str:number>/files/<str:token>", views.attachment, name="appeal_file"),
    path("appeals/<str:number>/do/<str:action>/", views.act, name="appeal_act"),
]
