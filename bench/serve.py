"""Serve an ASGI application the same way for Vikno, the baseline and the peer.

Production serves Vikno with uvicorn (bin/run, docs/operations.md), so every server of
the bench is ``uvicorn <app> --workers 2`` on 127.0.0.1 and a free port (a listening
socket with TCP_NODELAY handed over with --fd, see listening_socket): two worker
processes, one per core of the bench machine, access log off, lifespan off (Django has
none). The three applications (Vikno, bench/baseline/, django-helpdesk in its own venv)
differ only in the python, the application and the environment.

    with serve_vikno(ctx) as server:
        latencies_ms(server.url + "staff/", 50, cookies=ctx.operator_cookie())
        server.peak_rss_mb()
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.context import REPO, Context
from bench.peer.harness import Peer

WORKERS = 2
START_TIMEOUT = 90.0  # seconds: the first import of Django and the apps on a busy machine


# As docs/operations.md says for uvicorn: no persistent database connections. Under ASGI
# Django runs each request's sync code in a thread of its own, so with CONN_MAX_AGE > 0
# every request leaves a connection open: PostgreSQL runs out of connections in seconds.
SERVER_ENV = {"VIKNO_DB_CONN_MAX_AGE": "0"}


class ServerError(RuntimeError):
    """The server did not start (its log is in the message)."""


def _status_kb(pid: int, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """The children of the process, their children and so on (not the process itself)."""
    found: list[int] = []
    for children in Path("/proc").glob(f"{pid}/task/*/children"):
        try:
            tokens = children.read_text().split()
        except OSError:
            continue
        for token in tokens:
            found += [int(token), *descendants(int(token))]
    return found


@dataclass
class Server:
    url: str  # "http://127.0.0.1:<port>/"
    process: subprocess.Popen
    log: Path
    _peak_kb: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def workers(self) -> list[int]:
        """The worker processes (not uvicorn's supervisor, not multiprocessing's
        resource tracker): the children started by multiprocessing's spawn_main."""
        found = []
        for pid in descendants(self.process.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                found.append(pid)
        return found

    def sample_rss(self) -> None:
        """Remember each worker's VmHWM now (a worker that is gone keeps its last one)."""
        for pid in self.workers:
            self._peak_kb[pid] = max(self._peak_kb.get(pid, 0), _status_kb(pid, "VmHWM"))

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) of any worker so far, in MB."""
        self.sample_rss()
        return max(self._peak_kb.values(), default=0) / 1024


def listening_socket() -> socket.socket:
    """A TCP socket listening on 127.0.0.1 and a free port, with TCP_NODELAY set.

    uvicorn --workers N binds its own socket as ``socket.socket(family)`` (protocol 0),
    so asyncio does not recognise the accepted connections as TCP and leaves Nagle's
    algorithm on: every answer after the first on a keep-alive connection then waits
    about 40 ms for the client's delayed ACK. On Linux an accepted socket inherits
    TCP_NODELAY from the listening one, so we bind the socket and hand it to uvicorn
    with --fd.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
    except OSError:
        return False
    return True


def record_peak(var_dir: Path, name: str, peak_mb: float) -> None:
    """Keep the largest worker peak RSS of every server name in var_dir/web-peaks.json
    (so a scenario run later can report the peak over all the runs of a server)."""
    path = var_dir / "web-peaks.json"
    try:
        peaks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        peaks = {}
    peaks[name] = max(float(peaks.get(name, 0.0)), peak_mb)
    path.write_text(json.dumps(peaks, indent=1), encoding="utf-8")


def recorded_peaks(var_dir: Path) -> dict[str, float]:
    """{server name: largest worker peak RSS in MB} of the servers run so far."""
    try:
        return json.loads((var_dir / "web-peaks.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextmanager
def serve(
    *,
    python: Path,
    app: str,
    env: Mapping[str, str],
    cwd: Path = REPO,
    ready_path: str = "/",
    name: str = "server",
    log_dir: Path | None = None,
    workers: int = WORKERS,
) -> Iterator[Server]:
    """Run `python -m uvicorn app --workers N` until the block ends; yield its Server."""
    sock = listening_socket()
    port = int(sock.getsockname()[1])
    log_path = (log_dir or Path(env.get("VIKNO_VAR_DIR", REPO / "var"))) / f"serve-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    command = [
        str(python),
        "-m",
        "uvicorn",
        app,
        "--fd",
        str(sock.fileno()),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=cwd,
        env={**env, **SERVER_ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        pass_fds=(sock.fileno(),),
    )
    sock.close()  # the server holds it now
    server = Server(url=f"http://127.0.0.1:{port}/", process=process, log=log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(port, ready_path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(
                    f"{name} did not start ({' '.join(command)}):\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.2)
        # Both workers import the app lazily on their first request: a few requests
        # so that neither is still starting when the measuring begins.
        for _ in range(4 * workers):
            _answers(port, ready_path)
        server.sample_rss()
        yield server
    finally:
        server.sample_rss()
        if log_dir is not None:
            record_peak(log_dir, name, server.peak_rss_mb())
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@contextmanager
def serve_vikno(ctx: Context) -> Iterator[Server]:
    """Vikno (vikno.asgi) against the bench database, production settings (DEBUG off)."""
    with serve(
        python=ctx.python,
        app="vikno.asgi:application",
        env=ctx.env,
        ready_path="/api/v1/categories",
        name="vikno",
        log_dir=ctx.var_dir,
    ) as server:
        yield server


def prepare_baseline(ctx: Context) -> dict[str, str]:
    """The baseline's environment, with its one table created in the bench database."""
    env = {**ctx.env, "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"}
    subprocess.run(  # noqa: S603 - our own python, fixed arguments
        [str(ctx.python), "-m", "bench.baseline.prepare"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


@contextmanager
def serve_baseline(ctx: Context) -> Iterator[Server]:
    """The minimal Django JSON views of bench/baseline/ on the bench database."""
    with serve(
        python=ctx.python,
        app="bench.baseline.asgi:application",
        env=prepare_baseline(ctx),
        name="baseline",
        log_dir=ctx.var_dir,
    ) as server:
        yield server


@contextmanager
def serve_peer(ctx: Context, peer: Peer | None = None) -> Iterator[Server]:
    """django-helpdesk (bench/peer/) from its own venv on its own database."""
    peer = peer or Peer(ctx)
    with serve(
        python=peer.python,
        app="bench.peer.asgi:application",
        env=peer.env,
        ready_path="/login/",
        name="peer",
        log_dir=ctx.var_dir,
    ) as server:
        yield server
