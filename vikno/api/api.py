"""The REST API: one NinjaAPI, routers from each domain."""

from ninja import NinjaAPI

api = NinjaAPI(title="Vikno API", version="1", urls_namespace="api-v1")
