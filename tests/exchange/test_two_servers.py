"""Issue 5, "Done when": two Vikno servers on loopback exchange an appeal.

Each center runs as real processes (uvicorn serving vikno.asgi and `manage.py worker`)
on its own VIKNO_VAR_DIR (SQLite database and huey queue), set up with the commands an
administrator uses (`migrate`, `exchange_peer add`, and `apikey create`, called in the
seeding process tests/exchange/seed_center.py). The upstream center ("city") forwards an
appeal to the organization standing for the downstream center ("hromada"); the
downstream works it through its API; statuses and the answer arrive upstream — also
those made while the upstream is stopped: they wait in the downstream's outbox and
arrive, in order and each once, after it is restarted.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRET = "two-servers-shared-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Center:
    """One Vikno installation: its directory, port, processes and API keys."""

    def __init__(self, name: str, var_dir: Path, own_code: str):
        self.name = name
        self.var_dir = var_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.own_code = own_code
        self.processes: list[subprocess.Popen] = []
        self.keys: dict[str, str] = {}
        var_dir.mkdir()
        self.log = (var_dir / "processes.log").open("ab")

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="vikno.settings",
            VIKNO_DEBUG="1",
            VIKNO_VAR_DIR=str(self.var_dir),
            VIKNO_PUBLIC_URL=self.url,
            VIKNO_EXCHANGE_OWN_CODE=self.own_code,
            VIKNO_EXCHANGE_BACKOFF_BASE_SECONDS="0.2",
            VIKNO_EXCHANGE_BACKOFF_MAX_SECONDS="1",
            VIKNO_EXCHANGE_TIMEOUT="3",
            VIKNO_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, *args], cwd=ROOT, env=self.env(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        return done.stdout.decode()

    def start(self) -> None:
        self.processes = [
            subprocess.Popen(  # noqa: S603
                [
                    str(VENV_BIN / "uvicorn"),
                    "vikno.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=self.log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [sys.executable, "manage.py", "worker"],
                cwd=ROOT,
                env=self.env(),
                stdout=self.log,
                stderr=subprocess.STDOUT,
            ),
        ]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for process in self.processes:
                assert process.poll() is None, f"{self.name}: a process exited at start"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"{self.name} did not start listening")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def api(self, method: str, path: str, payload: dict | None = None, *, key: str = "ops"):
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.url + path,
            data=None if payload is None else json.dumps(payload).encode(),
            method=method,
            headers={
                "Authorization": f"Bearer {self.keys[key]}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def ok(self, method: str, path: str, payload: dict | None = None, *, key: str = "ops"):
        status, body = self.api(method, path, payload, key=key)
        assert status in (200, 201), (self.name, path, status, body)
        return body

    def sql(self, query: str, *params):
        connection = sqlite3.connect(self.var_dir / "vikno.sqlite3", timeout=30)
        try:
            return connection.execute(query, params).fetchall()
        finally:
            connection.close()


def _wait(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _parallel(*calls) -> None:
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _setup(center: Center, peer_args: list[str]) -> None:
    center.run("manage.py", "migrate", "--noinput", "-v0")
    seeded = center.run(
        "-m", "tests.exchange.seed_center", "up" if center.name == "city" else "down"
    )
    center.keys = json.loads(seeded.splitlines()[-1])
    center.run("manage.py", "exchange_peer", "add", *peer_args, "--secret", SECRET)


def _status(center: Center, number: str) -> str:
    return center.ok("GET", f"/api/v1/appeals/{number}")["status"]


def test_appeal_handed_down_worked_and_reported_back_across_a_restart(tmp_path):
    city = Center("city", tmp_path / "city", own_code="city")
    hromada = Center("hromada", tmp_path / "hromada", own_code="hromada")
    try:
        # Migrating takes most of the setup: the city's migrated database is copied to
        # the hromada, whose own `migrate` then finds nothing left to apply.
        city.run("manage.py", "migrate", "--noinput", "-v0")
        for name in ("vikno.sqlite3", "vikno.sqlite3-wal"):
            if (city.var_dir / name).exists():
                shutil.copy(city.var_dir / name, hromada.var_dir / name)
        _parallel(
            lambda: _setup(
                city,
                [
                    *("hromada", "--name", "Громада", "--url", hromada.url),
                    *("--downstream", "--organization", "hromada-cc"),
                ],
            ),
            lambda: _setup(
                hromada,
                ["city", "--name", "Місто", "--url", city.url, "--upstream"],
            ),
        )
        assert set(city.keys) == {"ops"} and set(hromada.keys) == {"ops", "water"}
        city.start()
        hromada.start()

        # The city registers an appeal and forwards it to the hromada's contact center.
        up = city.ok(
            "POST",
            "/api/v1/appeals",
            {
                "kind": "complaint",
                "channel": "phone",
                "category": "no-cold-water",
                "text": "Третій день немає холодної води.",
                "address": "вул. Соборна, 10",
                "applicant": {
                    "name": "Олена Коваленко",
                    "phone": "+380671112233",
                    "address": "вул. Соборна, 10, кв. 5",
                },
            },
        )["number"]
        city.ok("POST", f"/api/v1/appeals/{up}/preprocess", {})
        city.ok("POST", f"/api/v1/appeals/{up}/forward", {"organization": "hromada-cc"})

        # Handed down: registered at the hromada through the exchange.
        down = _wait(
            lambda: hromada.sql(
                "SELECT a.number FROM exchange_exchangelink l JOIN appeals_appeal a"
                " ON a.id = l.appeal_id WHERE l.external_number = ?",
                up,
            ),
            "the appeal at the hromada",
        )[0][0]
        handed = hromada.ok("GET", f"/api/v1/appeals/{down}")
        assert (handed["channel"], handed["category"]["code"], handed["text"]) == (
            "upstream",
            "no-cold-water",
            "Третій день немає холодної води.",
        )
        assert handed["applicant"]["name"] == "Олена Коваленко"

        # The hromada works it; its steps arrive upstream as the executor's steps there.
        hromada.ok("POST", f"/api/v1/appeals/{down}/preprocess", {})
        hromada.ok("POST", f"/api/v1/appeals/{down}/forward", {"organization": "vodokanal"})
        hromada.ok("POST", f"/api/v1/appeals/{down}/accept", {}, key="water")
        _wait(lambda: _status(city, up) == "accepted", "accepted upstream")
        _wait(
            lambda: city.sql("SELECT external_number FROM exchange_exchangelink") == [(down,)],
            "the hromada's number known upstream",
        )

        # The city goes down; the hromada goes on working.
        city.stop()
        hromada.ok("POST", f"/api/v1/appeals/{down}/start-work", {}, key="water")
        answer = "Воду подано 24.11 о 14:00, ремонт труби завершено."
        hromada.ok("POST", f"/api/v1/appeals/{down}/report", {"report": answer}, key="water")
        pending = "SELECT seq, attempts FROM exchange_outboxmessage WHERE state = 'pending'"
        waiting = _wait(
            lambda: (rows := hromada.sql(pending + " ORDER BY seq")) and rows[0][1] >= 2 and rows,
            "retries while the city is down",
        )
        assert len(waiting) == 2  # work started, executed: both wait, in order
        assert [attempts for _seq, attempts in waiting][1:] == [0]  # only the first is tried

        # The city is back: everything arrives, in order, each once.
        city.start()
        _wait(lambda: _status(city, up) == "executed", "executed upstream")
        appeal = city.ok("GET", f"/api/v1/appeals/{up}")
        assert appeal["answer"] == answer
        kinds = [event["kind"] for event in appeal["events"] if event["kind"] != "note_added"]
        assert kinds == [
            "registered",
            "preprocessed",
            "forwarded",
            "accepted",
            "work_started",
            "executed",
        ]
        assert appeal["assignments"][0]["state"] == "executed"
        assert appeal["assignments"][0]["report"] == answer
        sent = hromada.sql("SELECT seq, state FROM exchange_outboxmessage ORDER BY seq")
        assert sent == [(seq, "sent") for seq in range(1, 6)]
        # Each of the five updates was accepted once: one stored key each, no replays.
        assert city.sql("SELECT COUNT(*) FROM exchange_inboundkey") == [(5,)]
        assert city.sql("SELECT COUNT(*) FROM appeals_appealnote") == [(5,)]

        # The city's operator verifies with the applicant as usual.
        city.ok("POST", f"/api/v1/appeals/{up}/verify", {"confirmed": True})
        assert _status(city, up) == "closed"
    finally:
        city.stop()
        hromada.stop()
