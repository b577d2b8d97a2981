from django.urls import path

from vikno.staff.queues import views

urlpatterns = [
    path("queues/", views.queue, name="queues"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("queues/<slug:slug>/forward/", views.bulk_forward, name="queue_forward"),
]
