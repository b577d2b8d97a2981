"""The supervisor's control board: /staff/control/ and its decisions."""

from django.urls import path

from vikno.staff.control import views

urlpatterns = [
    path("control/", views.control, name="control"),
    path("control/extensions/<int:pk>/", views.decide, name="control_decide"),
    path("control/verify/<str:number>/", views.verify, name="control_verify"),
]
