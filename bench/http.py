"""HTTP measuring: sequential latencies on one keep-alive connection, and the load tool.

- ``latencies_ms(url, n, headers=None, cookies=None)``: n GETs one after another on one
  keep-alive connection (http.client), the wall time of each in ms; every answer must be
  200 (a redirect to the sign-in page is a failure, not a fast page).
- ``load(url, ...)``: concurrent clients for a fixed time with wrk (Debian's ``wrk``
  package, C and epoll: one thread drives all connections, so the load generator takes a
  small share of the 2 cores and leaves the rest to the server). A Lua script gives
  every request its own ``Idempotency-Key`` when asked; the totals come back from wrk's
  ``done`` hook as JSON. wrk is installed by ``ensure_wrk`` (apt, through bin/_lib.sh)
  when it is missing.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.context import REPO


class HTTPFailure(AssertionError):
    """An answer with another status than the one expected."""


def _connection(url: str) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return conn, path


def _headers(headers: dict[str, str] | None, cookies: dict[str, str] | None) -> dict[str, str]:
    merged = {"Connection": "keep-alive", **(headers or {})}
    if cookies:
        merged["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return merged


def latencies_ms(
    url: str,
    n: int,
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
) -> list[float]:
    """The wall time in ms of each of n sequential GETs of url on one connection."""
    conn, path = _connection(url)
    sent = _headers(headers, cookies)
    times: list[float] = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            body = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise HTTPFailure(f"GET {url}: {response.status} instead of 200: {body[:300]!r}")
    finally:
        conn.close()
    return times


def request(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request on a fresh connection: (status, body)."""
    conn, path = _connection(url)
    try:
        conn.request(method, path, body=body, headers=_headers(headers, cookies))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- the load tool ----------------------------------------------------------------------


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian (bin/_lib.sh apt_install) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(
        ["bash", "-c", ". bin/_lib.sh && apt_install wrk"],  # noqa: S607
        cwd=REPO,
        check=True,
    )
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed with apt-get")
    return found


def _lua(text: str) -> str:
    """A Lua string literal of text (every byte outside [A-Za-z0-9 ] as a decimal escape)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if char.isascii() and (char.isalnum() or char == " ") else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


_SCRIPT = """
counter = 0
run_id = %(run)s
method = %(method)s
path = %(path)s
bodies = {%(bodies)s}
key_header = %(key_header)s
base_headers = {%(headers)s}
next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
end

function request()
  counter = counter + 1
  local h = {}
  for k, v in pairs(base_headers) do h[k] = v end
  if key_header ~= "" then
    h[key_header] = run_id .. "-" .. tid .. "-" .. counter
  end
  if #bodies == 0 then
    return wrk.format(method, path, h)
  end
  return wrk.format(method, path, h, bodies[(counter + tid) %% #bodies + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50.0), latency:percentile(99.0), latency.max))
end
"""


@dataclass
class LoadResult:
    clients: int  # concurrent connections
    seconds: float  # measured wall time
    requests: int  # answers received
    errors: int  # answers >= 400, timeouts, socket errors
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def load(
    url: str,
    *,
    method: str = "GET",
    body: bytes | str = b"",
    bodies: list[str] | None = None,
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    clients: int = 16,
    seconds: float = 5.0,
    unique_header: str = "",
    threads: int = 1,
) -> LoadResult:
    """`clients` connections send requests back to back for `seconds` (wrk).

    With `unique_header` (e.g. "Idempotency-Key") every request carries its own value
    of that header, unique across runs. With `bodies` the requests take them in turn.
    """
    wrk = ensure_wrk()
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    texts = list(bodies or [])
    if body:
        texts.append(body.decode("utf-8") if isinstance(body, bytes) else body)
    sent = _headers(headers, cookies)
    sent.pop("Connection", None)
    lua_headers = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in sent.items())
    script = _SCRIPT % {
        "run": _lua(uuid.uuid4().hex[:12]),
        "method": _lua(method),
        "path": _lua(path),
        "bodies": ", ".join(_lua(text) for text in texts),
        "key_header": _lua(unique_header),
        "headers": lua_headers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = Path(handle.name)
    try:
        done = subprocess.run(  # noqa: S603 - our own command line
            [
                wrk,
                f"-t{max(1, min(threads, clients))}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "60s",
                "-s",
                str(script_path),
                f"{parts.scheme}://{parts.netloc}",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        script_path.unlink(missing_ok=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRKJSON ")]
    if not lines:
        raise RuntimeError(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")
    data = json.loads(lines[-1].removeprefix("WRKJSON "))
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return LoadResult(
        clients=clients,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )
