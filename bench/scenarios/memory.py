"""Scenario 6 (task worker): peak RSS of `manage.py worker` while it sweeps and delivers.

The alerts and the outbox are emptied, then the huey consumer is started on the bench
database as production starts it (`python manage.py worker`: two threads, periodic tasks
on). At start it runs the deadline sweeps (reminders, escalations) and then delivers the
notifications they wrote (email to files, as without EMAIL_HOST; in-app rows are marked
sent). The peak RSS is the kernel's VmHWM of the worker process (and any child), read
from /proc; the worker is stopped once every alert is written and the outbox is empty,
or at the time limit. Target: under 200 MB.

The web workers' peak RSS (the other half of scenario 6) comes from bench-http's
registration scenario.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from bench.context import REPO, Context
from bench.measure import Figure

NOTES: list[str] = []


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """The process and its descendants."""
    found = [pid]
    for child in Path("/proc").glob(f"{pid}/task/*/children"):
        try:
            for token in child.read_text().split():
                found += _tree(int(token))
        except OSError:
            continue
    return found


def peak_rss_mb(pid: int) -> float:
    return max((_status_kb(p, "VmHWM") for p in _tree(pid)), default=0) / 1024


def run(ctx: Context) -> list[Figure]:
    from bench.scenarios import sweep
    from vikno.core import clock
    from vikno.notifications.models import Notification, NotificationState

    NOTES.clear()
    sweep.reset()
    # How many alerts the sweep has to write (counted by the raw selection, then undone).
    expected = sweep.raw_sweep(clock.now())
    sweep.reset()
    limit = 60 + ctx.size / 20_000  # seconds: 61 s at 20k, 110 s at 1M
    log = (ctx.var_dir / "worker.log").open("w")
    started = time.perf_counter()
    worker = subprocess.Popen(  # noqa: S603 - our own python, fixed arguments
        [str(ctx.python), "manage.py", "worker"],
        cwd=REPO,
        env=ctx.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peak = 0.0
    alerts = pending = 0
    done = False
    try:
        while time.perf_counter() - started < limit:
            time.sleep(0.5)
            peak = max(peak, peak_rss_mb(worker.pid))
            if worker.poll() is not None:
                break
            alerts, _outbox = sweep.counts()
            pending = Notification.objects.filter(state=NotificationState.PENDING).count()
            if alerts >= expected and pending == 0:
                done = True
                break
    finally:
        peak = max(peak, peak_rss_mb(worker.pid))
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    elapsed = time.perf_counter() - started
    sent = Notification.objects.filter(state=NotificationState.SENT).count()
    NOTES.append(
        f"Scenario 6 (task worker): {'finished' if done else 'stopped at the time limit'} "
        f"after {elapsed:.0f} s: {alerts:,} of {expected:,} alerts written, {sent:,} "
        f"notifications delivered, {pending:,} still pending."
    )
    sweep.reset()
    return [
        Figure(
            scenario=6,
            label="task worker (manage.py worker: sweeps + deliveries)",
            engine=ctx.engine,
            metric="peak RSS MB",
            samples=[peak],
            target="< 200 MB",
        )
    ]
