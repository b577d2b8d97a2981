"""bench/RESULTS.md: one block per (size, engine); a run rewrites only its own block.

Each figure is shown as the median of its samples with min–max, its ratio to the
baseline figure of the same run (same scenario, engine, point and metric), its target
and ✔ / ✘ when the target can be checked.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from bench.context import REPO
from bench.measure import Figure

RESULTS = REPO / "bench" / "RESULTS.md"
SCENARIO_NAMES = {
    1: "Registration through the REST API",
    2: "Operator queue and executor inbox",
    3: "Deadline sweep",
    4: "Indicators and counts",
    5: "Full-text search",
    6: "Memory",
}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
HEADER = """# Vikno benchmark results

Written by `python -m bench` (`make bench`); see bench/README.md for what each scenario
measures. One section per size; a run rewrites only the block of its size and engine, so
the 1,000,000-appeal results stay when a small run is made. Every figure is the median of
its repeats with min–max; "ratio" is this figure's median over its baseline's median,
measured in the same run; ✔ / ✘ say whether the target of issue 6 is met (a missed target
keeps its figure).
"""


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def median(figure: Figure) -> float | None:
    return statistics.median(figure.samples) if figure.samples else None


def ratio(figure: Figure, figures: list[Figure]) -> float | None:
    """This figure's median over its baseline's median (None without a baseline)."""
    if not figure.baseline:
        return None
    for other in figures:
        if (
            other.label == figure.baseline
            and other.scenario == figure.scenario
            and other.engine == figure.engine
            and other.point == figure.point
            and other.metric == figure.metric
        ):
            mine, theirs = median(figure), median(other)
            if mine is None or not theirs:
                return None
            return mine / theirs
    return None


_COMPARE = {
    "<": lambda a, b: a < b,
    "≤": lambda a, b: a <= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "≥": lambda a, b: a >= b,
    ">=": lambda a, b: a >= b,
}
_RATIO_TARGET = re.compile(r"(<=|>=|[<>≤≥])\s*([\d.]+)\s*×")
_ABSOLUTE_TARGET = re.compile(r"(<=|>=|[<>≤≥])\s*([\d.]+)\s*(ms|MB|s)\b")


def check(figure: Figure, figures: list[Figure]) -> bool | None:
    """The scenario's own verdict, else one read from a simple target text."""
    if figure.ok is not None:
        return figure.ok
    if not figure.target or not figure.samples:
        return None
    verdicts = []
    for match in _RATIO_TARGET.finditer(figure.target):
        value = ratio(figure, figures)
        if value is None:
            return None
        verdicts.append(_COMPARE[match.group(1)](value, float(match.group(2))))
    for match in _ABSOLUTE_TARGET.finditer(figure.target):
        verdicts.append(_COMPARE[match.group(1)](median(figure), float(match.group(2))))
    return all(verdicts) if verdicts else None


def figure_rows(figures: list[Figure]) -> list[str]:
    lines = [
        "| # | figure | point | metric | median | min–max | n | baseline | ratio | target | |",
        "|---|---|---|---|---:|---:|---:|---|---:|---|---|",
    ]
    for figure in sorted(figures, key=lambda f: f.scenario):
        mid = median(figure)
        spread = f"{fmt(min(figure.samples))}–{fmt(max(figure.samples))}" if figure.samples else ""
        value = ratio(figure, figures)
        verdict = check(figure, figures)
        mark = {True: "✔", False: "✘", None: ""}[verdict]
        lines.append(
            "| {scenario} | {label} | {point} | {metric} | {mid} | {spread} | {n} | {base} | "
            "{ratio} | {target} | {mark} |".format(
                scenario=figure.scenario,
                label=figure.label,
                point=figure.point,
                metric=figure.metric,
                mid=fmt(mid) if mid is not None else "—",
                spread=spread,
                n=len(figure.samples),
                base=figure.baseline or "",
                ratio=f"{fmt(value)}×" if value is not None else "",
                target=figure.target,
                mark=mark,
            )
        )
    return lines


def engine_block(record: dict) -> str:
    figures = [Figure(**data) for data in record["figures"]]
    machine = record.get("machine", {})
    settings = record.get("engine_settings", {})
    generated = record.get("generated", {})
    made = generated.get("made", {})
    engine = ENGINE_NAMES.get(record["engine"], record["engine"])
    lines = [
        f"### {engine}",
        "",
        f"- Date: {record['started']} – {record.get('finished', 'not finished')}; load average at "
        f"start: {record.get('load_avg_at_start', '?')}",
        f"- Command: `{record['command']}` ({record['repeats']} repeats)",
        f"- Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory', '?')} RAM; {machine.get('os', '?')} "
        f"(kernel {machine.get('kernel', '?')}); Python {machine.get('python', '?')}, "
        f"Django {machine.get('django', '?')}, SQLite {machine.get('sqlite', '?')}",
        "- Engine: " + ", ".join(f"{key} = {value}" for key, value in settings.items()),
        f"- Data: {generated.get('size', record['size']):,} appeals "
        f"({generated.get('open', 0):,} open, {generated.get('overdue', 0):,} overdue, "
        f"{generated.get('due_soon', 0):,} due within 72 h at generation), "
        f"{made.get('events', 0):,} history events, {made.get('assignments', 0):,} "
        f"assignments, {generated.get('applicants', 0):,} applicants, "
        f"{made.get('ratings', 0):,} ratings; generated in "
        f"{generated.get('wall_seconds', generated.get('total_seconds', '?'))} s "
        f"(rows written in {generated.get('load_seconds', '?')} s)",
    ]
    seconds = record.get("seconds", {})
    if seconds:
        lines.append(
            "- Scenario wall times: " + ", ".join(f"{k} {v} s" for k, v in seconds.items())
        )
    lines += ["", *figure_rows(figures), ""]
    notes = [f for f in record.get("notes", [])]
    for note in notes:
        lines.append(f"- {note}")
    errors = record.get("errors", {})
    if errors:
        lines.append("Scenarios that did not finish:")
        lines.append("")
        for name, text in errors.items():
            last = text.strip().splitlines()[-1] if text.strip() else ""
            lines.append(f"- `{name}`: {last}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _markers(size: int, engine: str | None = None) -> tuple[str, str]:
    tag = f"size={size}" + (f" engine={engine}" if engine else "")
    return f"<!-- bench {tag} start -->", f"<!-- bench {tag} end -->"


def _replace(text: str, start: str, end: str, body: str) -> str | None:
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _old, tail = rest.split(end, 1)
        return f"{head}{start}\n{body}{end}{tail}"
    return None


def render(text: str, record: dict) -> str:
    """RESULTS.md with the block of this record's size and engine replaced (or added)."""
    size, engine = record["size"], record["engine"]
    if not text.strip():
        text = HEADER
    block = engine_block(record)
    start, end = _markers(size, engine)
    replaced = _replace(text, start, end, block)
    if replaced is not None:
        return replaced
    size_start, size_end = _markers(size)
    if size_start in text and size_end in text:
        # A new engine inside an existing size section, in a fixed order.
        head, rest = text.split(size_start, 1)
        inner, tail = rest.split(size_end, 1)
        inner = inner.rstrip() + f"\n\n{start}\n{block}{end}\n"
        return f"{head}{size_start}{inner}{size_end}{tail}"
    section = f"{size_start}\n## {size:,} appeals\n\n{start}\n{block}{end}\n{size_end}\n"
    # Sections in order of size, the biggest first (the 1M results lead).
    sizes = [int(s) for s in re.findall(r"<!-- bench size=(\d+) start -->", text)]
    smaller = [s for s in sizes if s < size]
    if smaller:
        first_smaller = max(smaller)
        marker = _markers(first_smaller)[0]
        head, tail = text.split(marker, 1)
        return f"{head}{section}\n{marker}{tail}"
    return text.rstrip() + "\n\n" + section


def update(record: dict, path: Path = RESULTS) -> Path:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(render(text, record), encoding="utf-8")
    return path
