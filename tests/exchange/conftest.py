"""Peers of the exchange tests, signed requests, and a scripted peer on 127.0.0.1."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import OrganizationFactory
from vikno.exchange.services import peer_create
from vikno.exchange.signing import FORMAT, sign_headers
from vikno.reference.models import OrganizationKind

SECRET = "shared-secret-of-the-tests"


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


APPEALS = "/api/v1/exchange/appeals"
UPDATES = "/api/v1/exchange/updates"


@pytest.fixture
def client(client, settings):
    """The test client with English chosen: messages are compared as written in the code,
    whatever the Ukrainian catalog says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def upstream(world):
    """The Government contact center: hands appeals down to us."""
    peer, _secret = peer_create(
        code="ukc",
        name="Урядовий контактний центр",
        base_url=closed_port_url(),
        secret=SECRET,
        is_upstream=True,
    )
    return peer


@pytest.fixture
def downstream(world):
    """A hromada's contact center under us, standing in our tree as its organization."""
    organization = OrganizationFactory(
        code="hromada-cc",
        name="Контактний центр громади",
        kind=OrganizationKind.CONTACT_CENTER,
        parent=world["city"],
    )
    peer, _secret = peer_create(
        code="hromada",
        name="Громада",
        base_url=closed_port_url(),
        secret=SECRET,
        is_downstream=True,
        organization=organization,
    )
    return peer


def appeal_message(**overrides):
    message = {
        "format": FORMAT,
        "type": "appeal",
        "external_number": "UKC-2026-000123",
        "source": "ukc",
        "kind": "complaint",
        "category": "no-cold-water",
        "text": "Немає холодної води у під'їзді 2.",
        "address": "вул. Соборна, 10",
        "received_at": "2026-11-23T09:15:00+02:00",
        "due_at": "2026-12-08T18:00:00+02:00",
        "applicant": {
            "name": "Петренко Олена Іванівна",
            "phone": "+380501234567",
            "email": "olena@example.org",
            "postal_address": "вул. Соборна, 10, кв. 5",
        },
        "attachments": [
            {
                "url": "https://ukc.example.gov.ua/files/abc123",
                "name": "photo.jpg",
                "content_type": "image/jpeg",
                "size": 183204,
            }
        ],
    }
    message.update(overrides)
    return message


def signed_post(client, path, message, *, peer="ukc", secret=SECRET, key="key-1", raw=None):
    body = raw if raw is not None else json.dumps(message, ensure_ascii=False).encode()
    headers = sign_headers(
        peer_code=peer, secret=secret, method="POST", path=path, body=body, idempotency_key=key
    )
    headers.pop("Content-Type")
    if key is None:
        headers.pop("Idempotency-Key")
    return client.post(path, data=body, content_type="application/json", headers=headers)


class ScriptedPeer:
    """A peer's web server on 127.0.0.1: answers each request with the next scripted
    (status, body) — the last one repeats — and records what it received."""

    def __init__(self):
        self.script: list[tuple[int, dict]] = [(201, {})]
        self.received: list[dict] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                peer.received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body,
                        "json": json.loads(body),
                    }
                )
                status, answer = peer.script.pop(0) if len(peer.script) > 1 else peer.script[0]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted_peer():
    peer = ScriptedPeer()
    yield peer
    peer.close()
