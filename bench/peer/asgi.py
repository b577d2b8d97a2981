"""ASGI entry point of the peer (served by bench/serve.py like Vikno)."""

import os

from django.core.asgi import get_asgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer.settings"
application = get_asgi_application()
