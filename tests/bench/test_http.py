"""bench/serve.py, bench/http.py and the load tool against the baseline on SQLite.

The baseline project is served as the bench serves everything (uvicorn, 2 workers) on a
throwaway SQLite file holding just the one table its read view reads.
"""

import sqlite3

import pytest

from bench.context import make_context
from bench.http import HTTPFailure, latencies_ms, load, request
from bench.serve import serve_baseline

TEXT = 'Немає води: "+380671112233", \\ 5 \n днів'


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("bench-http")
    with sqlite3.connect(var_dir / "db.sqlite3") as db:
        db.execute("CREATE TABLE reference_category (id integer primary key, code, name)")
        db.execute("INSERT INTO reference_category VALUES (7, 'zhkh', 'ЖКГ')")
        db.execute("INSERT INTO reference_category VALUES (9, 'roads', 'Дороги')")
    return make_context(engine="sqlite", size=0, repeats=1, database_url=None, var_dir=var_dir)


@pytest.fixture(scope="module")
def server(ctx):
    with serve_baseline(ctx) as server:
        yield server
    assert server.process.poll() is not None  # stopped with the block


def rows(ctx):
    with sqlite3.connect(ctx.sqlite_path) as db:
        return [text for (text,) in db.execute("SELECT text FROM bench_baseline_row")]


def test_served_by_two_workers_that_read_the_database(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert len(server.workers) == 2
    status, body = request(server.url)
    assert (status, body) == (
        200,
        b'{"category": {"id": 7, "code": "zhkh", "name": "\\u0416\\u041a\\u0413"}}',
    )


def test_latencies_on_one_keep_alive_connection(server):
    times = latencies_ms(server.url, 40)
    assert len(times) == 40
    assert all(t > 0 for t in times)
    # Without TCP_NODELAY on the listening socket every answer after the first on a
    # keep-alive connection waited ~40 ms for the delayed ACK.
    assert sorted(times)[20] < 30


def test_latencies_refuse_another_status(server):
    with pytest.raises(HTTPFailure, match="404 instead of 200"):
        latencies_ms(server.url + "missing", 2)


def test_peak_rss_of_the_workers(server):
    assert 20 < server.peak_rss_mb() < 500


def test_load_posts_each_body_in_turn_under_concurrent_clients(ctx, server):
    before = len(rows(ctx))
    result = load(
        server.url + "rows",
        method="POST",
        bodies=[TEXT, "друге"],
        clients=4,
        seconds=1,
        unique_header="Idempotency-Key",
    )
    assert result.clients == 4
    assert result.errors == 0
    assert result.requests > 10
    assert 0.9 < result.seconds < 3
    assert result.rate == result.requests / result.seconds
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms
    written = rows(ctx)[before:]
    # Requests still in flight when wrk stops may be written but not counted.
    assert result.requests <= len(written) <= result.requests + 4
    assert set(written) == {TEXT, "друге"}


def test_load_counts_failures_as_errors(server):
    result = load(server.url + "missing", clients=2, seconds=1)
    assert result.requests > 0
    assert result.errors == result.requests
    assert result.rate == 0


def test_the_peak_is_recorded_per_server_name(ctx, server):
    from bench.serve import recorded_peaks, serve_baseline

    with serve_baseline(ctx) as other:
        request(other.url)
        peak = other.peak_rss_mb()
    assert recorded_peaks(ctx.var_dir)["baseline"] >= peak > 20
