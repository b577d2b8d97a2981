from django.urls import path

from bench.baseline import views

urlpatterns = [
    path("", views.one_row),
    path("rows", views.write_row),
]
