"""The two minimal views: one read of one row, one write of one row."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.baseline.models import Row


@require_GET
def one_row(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, code, name FROM reference_category WHERE id = "
            "(SELECT MIN(id) FROM reference_category)"
        )
        found = cursor.fetchone()
    if found is None:
        return JsonResponse({"category": None})
    return JsonResponse({"category": {"id": found[0], "code": found[1], "name": found[2]}})


@csrf_exempt
@require_POST
def write_row(request: HttpRequest) -> JsonResponse:
    text = request.body[:200].decode("utf-8", "replace")
    row = Row.objects.create(text=text, created_at=timezone.now())
    return JsonResponse({"id": row.pk}, status=201)
