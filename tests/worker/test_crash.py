"""Issue 4, "Done when": the real worker, killed in the middle of a sweep and restarted,
makes every due reminder exactly once and delivers it exactly once.

`python manage.py worker` runs as a subprocess on a file SQLite database and a file huey
queue in a temporary directory (tests/worker/settings_worker.py). VIKNO_SWEEP_PAUSE_MS
slows the sweep down between batches so that the SIGKILL lands in its middle.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPEALS = 150  # two reminders each: 300 reminders, 600 outbox rows (in-app and email)
BATCH = 20  # settings_worker.VIKNO_SWEEP_BATCH


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.worker.settings_worker",
        VIKNO_VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def _count(db: Path, sql: str) -> int:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # tables not there yet
        return 0
    finally:
        connection.close()


def _wait(predicate, timeout: float, what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _start(var_dir: Path, log: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "worker", *args],
        cwd=ROOT,
        env=_env(var_dir, **env),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


REMINDERS = "SELECT COUNT(*) FROM sweeps_deadlinealert WHERE kind = 'reminder'"
OUTBOX = "SELECT COUNT(*) FROM notifications_notification WHERE event = 'deadline_reminder'"
SENT = OUTBOX + " AND state = 'sent'"


def test_worker_killed_mid_sweep_then_restarted_sends_every_reminder_once(tmp_path):
    db = tmp_path / "vikno.sqlite3"
    log = tmp_path / "worker.log"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.worker.seed", str(APPEALS)],
        cwd=ROOT,
        env=_env(tmp_path),
        check=True,
    )
    assert _count(db, "SELECT COUNT(*) FROM appeals_assignment") == APPEALS

    # 1. One worker thread: the sweep runs alone (delivery tasks queue up behind it), a
    #    batch every 300 ms. Killed outright once a few batches are in.
    worker = _start(tmp_path, log, "--workers", "1", VIKNO_SWEEP_PAUSE_MS="300")
    try:
        _wait(lambda: _count(db, REMINDERS) >= 3 * BATCH, 20, "three batches", worker)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    made = _count(db, REMINDERS)
    assert 3 * BATCH <= made < 2 * APPEALS, "the kill landed in the middle of the sweep"
    # Each batch's marks and messages commit together: no mark without its messages.
    assert _count(db, OUTBOX) == 2 * made

    # 2. Restarted: it catches up at once (no waiting for the next minute), delivers, and
    #    makes nothing twice.
    worker = _start(tmp_path, log)
    try:
        _wait(
            lambda: _count(db, SENT) == 4 * APPEALS,
            25,
            "every reminder delivered",
            worker,
        )
        time.sleep(1)  # room for a stray second copy to show up
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)

    assert _count(db, REMINDERS) == 2 * APPEALS
    assert _count(db, OUTBOX) == 4 * APPEALS
    distinct = (
        "SELECT COUNT(DISTINCT key) FROM notifications_notification"
        " WHERE event = 'deadline_reminder'"
    )
    assert _count(db, distinct) == 4 * APPEALS
    assert _count(db, SENT + " AND attempts = 1") == 4 * APPEALS
    # Every assignment has exactly its two reminders (72 and 24 hours before).
    assert (
        _count(
            db,
            "SELECT COUNT(*) FROM (SELECT assignment_id FROM sweeps_deadlinealert"
            " GROUP BY assignment_id HAVING COUNT(*) = 2"
            " AND SUM(hours_before) = 96)",
        )
        == APPEALS
    )
    # What reached the mail backend: one email per reminder, none twice. (The day's
    # digest may be there too, after 08:00 in Kyiv.)
    delivered = Counter(
        key.decode()
        for path in (tmp_path / "mail").iterdir()
        for key in re.findall(rb"^X-Vikno-Notification: (reminder:\S+)$", path.read_bytes(), re.M)
    )
    assert len(delivered) == 2 * APPEALS
    assert set(delivered.values()) == {1}
    assert all(key.endswith(":email:user1") for key in delivered)
