from django.urls import path

from vikno.staff.console import views

urlpatterns = [
    path("calls/new", views.call_new, name="call_new"),
    path("calls/lookup", views.call_lookup, name="call_lookup"),
    path("calls/categories", views.call_categories, name="call_categories"),
    path("calls/duplicates", views.call_duplicates, name="call_duplicates"),
]
