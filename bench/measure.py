"""What every scenario returns (Figure) and the two timing helpers they share."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    scenario: int  # 1..6 as numbered in issue 6
    label: str  # e.g. "Vikno registration API", "minimal Django JSON view"
    engine: str  # "sqlite" | "postgresql"
    metric: str  # e.g. "appeals/s", "p50 ms", "p99 ms", "rows/s", "peak RSS MB"
    samples: list[float] = field(default_factory=list)  # one value per repeat
    point: str = ""  # e.g. "4k open", "400k open" (scenario 2), "" otherwise
    # label of the Figure (same scenario/engine/point/metric) this one is compared to:
    # the report prints the ratio
    baseline: str | None = None
    target: str = ""  # human text of the target, e.g. "≥ 0.25× baseline"
    ok: bool | None = None  # set by the scenario or report when the target is checkable


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) with linear interpolation between the closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def timed_ms(fn: Callable[[], object], n: int) -> list[float]:
    """Wall time of each of n calls of fn, in milliseconds (time.perf_counter)."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times
