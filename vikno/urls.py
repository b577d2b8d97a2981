"""URL map: public site at /, staff workspace at /staff/, admin, REST API at /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from vikno.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/", include("vikno.staff.urls")),
    path("staff/", include("vikno.staff.auth_urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("vikno.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vikno.feedback.urls")),
    path("", include("vikno.public.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
