"""The public site: home, the appeal form, and the private status page."""

from django.urls import path

from vikno.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("appeals/new", views.appeal_new, name="appeal_new"),
    path("appeals/registered", views.appeal_registered, name="appeal_registered"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:token>", views.track, name="track"),
]
