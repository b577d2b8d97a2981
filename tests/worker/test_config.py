"""The queue's configuration: SQLite under VIKNO_VAR_DIR by default, Redis with REDIS_URL,
never immediate outside the tests (not even with VIKNO_DEBUG)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from huey.contrib.djhuey import HUEY
storage = HUEY.storage
print(json.dumps({
    "class": type(HUEY).__name__,
    "immediate": HUEY.immediate,
    "filename": getattr(storage, "filename", None),
    "redis": str(storage.pool) if hasattr(storage, "pool") else None,
}))
"""


def probe(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="vikno.settings",
        VIKNO_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
        **env,
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, check=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def test_sqlite_queue_in_the_var_dir_and_not_immediate_even_with_debug(tmp_path):
    huey = probe(tmp_path, VIKNO_DEBUG="1")
    assert huey["class"] == "SqliteHuey"
    assert huey["immediate"] is False
    assert huey["filename"] == str(tmp_path / "huey.sqlite3")


def test_redis_queue_when_redis_url_is_set(tmp_path):
    huey = probe(tmp_path, VIKNO_SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6390/3")
    assert huey["class"] == "RedisHuey"
    assert huey["immediate"] is False
    assert "host=127.0.0.1,port=6390,db=3" in huey["redis"]


def test_the_tests_run_tasks_at_once():
    from huey.contrib.djhuey import HUEY

    assert HUEY.immediate is True


def test_admin_lists_what_the_sweeps_did(world, client):
    from datetime import timedelta

    from tests.worker.test_sweeps import forward
    from vikno.accounts.models import Role
    from vikno.core.clock import now, travel
    from vikno.sweeps.services import reminders_sweep

    with travel(now() - timedelta(days=30)):
        assignment = forward(world)
    with travel(assignment.due_at - timedelta(hours=1)):
        assert reminders_sweep() == 2
    client.force_login(world["users"][Role.ADMINISTRATOR])
    page = client.get("/admin/sweeps/deadlinealert/")
    assert page.status_code == 200
    row = f"{assignment.appeal_id} → {assignment.organization_id}"
    assert page.content.decode().count(row) == 2
    assert client.get("/admin/sweeps/digestrun/").status_code == 200
