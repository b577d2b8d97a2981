"""RESULTS.md: ratios to the baseline, ✔/✘, and one block per size and engine."""

from bench.measure import Figure, percentile, timed_ms
from bench.report import check, ratio, render


def record(size, engine, figures, **extra):
    return {
        "engine": engine,
        "size": size,
        "repeats": 3,
        "started": "2026-11-23 21:00 UTC",
        "finished": "2026-11-23 21:05 UTC",
        "command": f"python -m bench --size {size}",
        "figures": [figure.__dict__ for figure in figures],
        **extra,
    }


def rate(label, samples, **kwargs):
    return Figure(
        scenario=1, label=label, engine="sqlite", metric="appeals/s", samples=samples, **kwargs
    )


def test_ratio_is_median_over_the_baselines_median_and_the_target_is_checked():
    vikno = rate("Vikno", [100, 120, 300], baseline="minimal", target="≥ 0.25× baseline")
    slow = rate("Vikno slow", [10, 20, 30], baseline="minimal", target="≥ 0.25× baseline")
    minimal = rate("minimal", [400, 480, 500])
    figures = [vikno, slow, minimal]
    assert ratio(vikno, figures) == 0.25
    assert check(vikno, figures) is True
    assert ratio(slow, figures) == 20 / 480
    assert check(slow, figures) is False
    assert ratio(minimal, figures) is None


def test_absolute_targets_and_the_scenarios_own_verdict():
    p99 = Figure(5, "search", "sqlite", "p99 ms", [80, 120, 90], target="< 100 ms")
    assert check(p99, [p99]) is True
    p99.samples = [80, 120, 110]
    assert check(p99, [p99]) is False
    assert check(Figure(5, "x", "sqlite", "share", [0.5], target="= 1", ok=True), []) is True


def test_rendered_table_and_blocks_per_size_and_engine():
    figures = [
        rate("Vikno", [100, 120, 300], baseline="minimal", target="≥ 0.25× baseline"),
        rate("minimal", [400, 480, 500]),
    ]
    text = render("", record(20000, "sqlite", figures))
    assert (
        "| 1 | Vikno |  | appeals/s | 120 | 100–300 | 3 | minimal | 0.250× | ≥ 0.25× baseline | ✔ |"
        in text
    )
    assert "## 20,000 appeals" in text
    text = render(text, record(1000000, "postgresql", figures))
    text = render(text, record(20000, "postgresql", figures))
    # The biggest size leads; a rerun of one block leaves the others as they were.
    assert text.index("## 1,000,000 appeals") < text.index("## 20,000 appeals")
    before = text
    again = render(text, record(20000, "sqlite", [rate("minimal", [1, 1, 1])]))
    million = before[before.index("## 1,000,000") : before.index("## 20,000")]
    assert million in again
    assert again.count("### SQLite") == 1 and again.count("### PostgreSQL") == 2
    postgresql_20k = again.split("## 20,000 appeals")[1].split("### PostgreSQL")[1]
    assert "0.250×" in postgresql_20k


def test_percentile_and_timed_ms():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 99) == 5
    assert percentile(list(range(101)), 99) == 99
    calls = []
    times = timed_ms(lambda: calls.append(1), 4)
    assert len(times) == 4 and len(calls) == 4 and all(t >= 0 for t in times)
