"""The applicant's feedback pages, reached by the private link of a message."""

from django.urls import path

from vikno.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/<str:token>", views.confirm, name="confirm"),
    path("feedback/<str:token>/rate", views.rate, name="rate"),
]
