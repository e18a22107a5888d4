"""Run the measurements for each engine and write them up as Markdown (docs/BENCHMARKS.md)."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from orggraph.generate import generate

from .measure import OTHER_QUESTIONS

# Targets of issue 7
TARGET_QUERY_P95_MS = 5.0
TARGET_GRAPHQL_RATIO = 1.5
TARGET_LOAD_RATIO = 2.0
TARGET_CHART_S = 1.0


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory, "os": platform.platform(),
            "python": platform.python_version(), "load_average": load}


def run_engine(engine: str, data: Path, workdir: Path, runs: int, log: Callable[[str], None],
               warmup: float = 30.0) -> dict:
    """One engine in its own process (so ru_maxrss is that engine's); returns its JSON."""
    command = [sys.executable, "-m", "orggraph.bench.measure", "--engine", engine, "--data", str(data),
               "--workdir", str(workdir / engine), "--runs", str(runs), "--warmup", str(warmup)]
    log(f"measuring {engine} ...")
    done = subprocess.run(command, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("ORGGRAPH-BENCH "):
            return json.loads(line[len("ORGGRAPH-BENCH "):])
    return {"engine": engine, "error": (done.stderr or done.stdout).strip()[-2000:] or f"exit {done.returncode}"}


def run_all(scale: float, engines: list[str], runs: int, workdir: Path,
            log: Callable[[str], None] = lambda s: None, warmup: float = 30.0) -> dict:
    data = workdir / f"data-{scale:g}"
    if not (data / "units.synthetic.csv").is_file():
        log(f"generating a synthetic Norway at scale {scale:g} in {data} ...")
        generate(data, scale)
    results = {engine: run_engine(engine, data, workdir, runs, log, warmup) for engine in engines}
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "scale": scale,
            "runs": runs, "warmup": warmup, "machine": machine(), "engines": results}


# --- Markdown -----------------------------------------------------------------------------------

def _ms(entry: dict | None) -> str:
    if not entry or "p50_ms" not in entry:
        return "–"
    return f"{entry['p50_ms']:.2f} / {entry['p95_ms']:.2f}"


def _get(result: dict, *path: str) -> Any:
    for key in path:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def _num(value: Any, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


QUERY_ROWS = [("chain of command", "chain_of_command", True),
              ("span of control", "span_of_control", True),
              ("subordinates to depth 3", "subordinates_depth_3", False),
              ("within 2 steps", "within_2", False),
              ("search by name", "search_by_name", False)]
#: the questions asked through GraphQL beside chain of command (measure.OTHER_QUESTIONS), by label
GRAPHQL_OTHERS = {key: label for label, key, _ in QUERY_ROWS if key in OTHER_QUESTIONS}


def rows(report: dict) -> list[tuple[str, list[str]]]:
    """(label, one cell per engine) for the main table."""
    engines = list(report["engines"].values())
    out: list[tuple[str, list[str]]] = []
    def add(label: str, cell: Callable[[dict], str]) -> None:
        out.append((label, [cell(r) if "error" not in r else "error" for r in engines]))
    add("engine", lambda r: r.get("version", "–"))
    add("graph (nodes / relationships)", lambda r: f"{_get(r, 'dataset', 'nodes'):,} / "
        f"{_get(r, 'dataset', 'relationships'):,}" if r.get("dataset") else "–")
    add("load, orggraph loader (s)", lambda r: _num(_get(r, "load", "seconds"), ".1f")
        + f" (read+validate {_num(_get(r, 'load', 'read_validate_seconds'), '.1f')}, "
          f"write {_num(_get(r, 'load', 'write_seconds'), '.1f')})")
    add("load again, the same files (s; rows written)", lambda r: _num(_get(r, "reload", "seconds"), ".1f")
        + f" (read+validate {_num(_get(r, 'reload', 'read_validate_seconds'), '.1f')}, "
          f"write {_num(_get(r, 'reload', 'write_seconds'), '.1f')}; {_num(_get(r, 'reload', 'written'), ',')})")
    add("load, engine's bulk path (s)", lambda r: f"{_num(_get(r, 'bulk', 'seconds'), '.1f')} "
        f"({_get(r, 'bulk', 'how') or '–'})")
    add("load throughput, loader / bulk (rows/s)", lambda r: f"{_num(_get(r, 'load', 'rows_per_second'), ',.0f')}"
        f" / {_num(_get(r, 'bulk', 'rows_per_second'), ',.0f')}")
    add(f"load ratio loader ÷ bulk (target ≤ {TARGET_LOAD_RATIO:g})",
        lambda r: _num(_get(r, "load", "ratio_to_bulk"), ".2f"))
    for label, key, targeted in QUERY_ROWS:
        suffix = f", target p95 < {TARGET_QUERY_P95_MS:g} ms" if targeted else ""
        add(f"{label}: p50 / p95 ms{suffix}", lambda r, k=key: _ms(_get(r, "queries", k)))
    add(f"GraphQL ratio, chain of command p50, server time (target ≤ {TARGET_GRAPHQL_RATIO:g})",
        lambda r: (_num(_get(r, "graphql", "ratio_p50"), ".2f")
                   + f" ({_ms(_get(r, 'graphql', 'graphql'))} vs {_ms(_get(r, 'graphql', 'direct'))} ms)")
        if _get(r, "graphql", "ratio_p50") is not None else (_get(r, "graphql", "error") or "–")[:120])
    add(f"GraphQL ratio, the other questions p50: {', '.join(GRAPHQL_OTHERS.values())}",
        lambda r: ", ".join(f"{_num(_get(r, 'graphql', 'questions', key, 'ratio_p50'), '.2f')} "
                            f"({_get(r, 'graphql', 'questions', key, 'graphql', 'p50_ms'):.2f} vs "
                            f"{_get(r, 'graphql', 'questions', key, 'direct', 'p50_ms'):.2f} ms)"
                            for key in GRAPHQL_OTHERS) if _get(r, "graphql", "questions") else "–")
    add("GraphQL overhead per request, p50 (ms)", lambda r: _num(_get(r, "graphql", "overhead_p50_ms"), ".2f"))
    add("GraphQL `search(text:)` (every word, accents ignored): p50 / p95 ms",
        lambda r: _ms(_get(r, "graphql", "root_fields", "search")))
    add("GraphQL `units(first: 50)` with totalCount: p50 / p95 ms",
        lambda r: _ms(_get(r, "graphql", "root_fields", "units_page")))
    add("GraphQL with the in-process HTTP client (httpx): p50 / p95 ms", lambda r: _ms(_get(r, "graphql", "with_client")))
    neo4j_direct = _get(report["engines"].get("neo4j", {}), "graphql", "direct", "p50_ms")
    add("GraphQL p50 ÷ Neo4j's direct p50, same question", lambda r: _num(
        _get(r, "graphql", "graphql", "p50_ms") / neo4j_direct
        if neo4j_direct and _get(r, "graphql", "graphql", "p50_ms") is not None else None, ".2f"))
    add("GraphQL ratio, orggraph.api.bench on the seeds (p50)", lambda r: ", ".join(
        f"{name} {v['ratio_p50']:.1f}×" for name, v in (_get(r, "graphql", "api_bench") or {}).items()
        if isinstance(v, dict)) or str((_get(r, "graphql", "api_bench") or {}).get("error", "–"))[:120])
    add("server start: line index current after (s); `node(id:)` meanwhile, every 50 ms: p50 / p99 / max ms",
        lambda r: "–" if not r.get("server_start") else
        _num(_get(r, "server_start", "current_after_seconds"), ".1f") + "; " + (
            f"{_get(r, 'server_start', 'during', 'p50_ms'):.1f} / {_get(r, 'server_start', 'during', 'p99_ms'):.1f}"
            f" / {_get(r, 'server_start', 'during', 'max_ms'):.1f} ({_get(r, 'server_start', 'requests')} requests)"
            if _get(r, "server_start", "during") else "no request during the build"))
    add(f"org chart, 500 units in a database of its own, build + SVG (s, target < {TARGET_CHART_S:g})",
        lambda r: _num(_get(r, "chart", "seconds"), ".3f"))
    add("org chart in the graph: the municipality with the most units, whole tree, build + SVG (s)",
        lambda r: "–" if not r.get("chart_in_graph") else
        f"{_num(_get(r, 'chart_in_graph', 'seconds'), '.3f')} ({_get(r, 'chart_in_graph', 'units')} units, "
        f"{_get(r, 'chart_in_graph', 'boxes')} boxes" + (
            f"; from the statements {_get(r, 'chart_in_graph', 'statement_seconds'):.3f}"
            if _get(r, "chart_in_graph", "statement_seconds") is not None else "") + ")")
    add("dependency map in the graph: that municipality, two steps, build + SVG (s)",
        lambda r: "–" if _get(r, "chart_in_graph", "deps_seconds") is None else
        f"{_get(r, 'chart_in_graph', 'deps_seconds'):.3f} ({_get(r, 'chart_in_graph', 'deps_boxes')} boxes" + (
            f"; from the statements {_get(r, 'chart_in_graph', 'deps_statement_seconds'):.3f}"
            if _get(r, "chart_in_graph", "deps_statement_seconds") is not None else "") + ")")
    add("peak memory, Python process (MB)", lambda r: _num(_get(r, "memory", "python_peak_rss_mb"), ",.0f"))
    add("Neo4j JVM RSS now / peak (MB)", lambda r: f"{_num(_get(r, 'memory', 'neo4j_jvm', 'rss_mb'), ',.0f')} / "
        f"{_num(_get(r, 'memory', 'neo4j_jvm', 'peak_rss_mb'), ',.0f')}" if _get(r, "memory", "neo4j_jvm") else "–")
    return out


def strategy_rows(report: dict) -> list[tuple[str, list[str]]]:
    engines = list(report["engines"].values())
    out = []
    for key, label in [("chain_of_command/statement", "chain of command, one statement (before on LadybugDB)"),
                       ("chain_of_command/hops", "chain of command, one `chain_step` per level"),
                       ("chain_of_command/index", "chain of command, line index (after on LadybugDB)"),
                       ("span_of_control/statement", "span of control, one statement"),
                       ("span_of_control/index", "span of control, line index"),
                       ("subordinates/statement", "subordinates depth 3, one `direct_reports` statement per level "
                        "(before on LadybugDB)"),
                       ("subordinates/index", "subordinates depth 3, steps from the line index (after)"),
                       ("within/statement", "within 2 steps, one `neighbours` statement per step (before)"),
                       ("within/index", "within 2 steps, steps from the line index (after)"),
                       ("search_by_name/statement", "search by name, the statement (before on LadybugDB)"),
                       ("search_by_name/index", "search by name, from the line index's names (after)")]:
        out.append((label + ": p50 / p95 ms", [_ms(_get(r, "strategies", key)) for r in engines]))
    out.append(("line index: build after a write (s) / entries",
                [f"{_num(_get(r, 'strategies', 'index_build_seconds'), '.2f')} / "
                 f"{_num(_get(r, 'strategies', 'index_entries'), ',')}" if _get(r, "strategies", "index_build_seconds")
                 is not None else "–" for r in engines]))
    out.append(("the faster strategy's answers against the statements' (sample ids × 3 days, order aside)",
                [_agreement(_get(r, "strategies", "agree")) for r in engines]))
    return out


def _agreement(agree: dict | None) -> str:
    if not agree:
        return "–"
    if agree["differ"]:
        return f"**{agree['differ']} of {agree['compared']} differ**: " + "; ".join(agree["first"])
    merged = f"; {agree['merged']} of them in municipalities begun by a merger or a split" \
        if agree.get("merged") else ""
    return f"the same in {agree['compared']} of {agree['compared']} ({', '.join(agree['days'])}{merged})"


def verdicts(report: dict) -> list[str]:
    lines = []
    for name, r in report["engines"].items():
        if "error" in r:
            lines.append(f"- {name}: the run failed: `{r['error'][-300:]}`")
            continue
        agree = _get(r, "strategies", "agree")
        if agree and agree["differ"]:  # not a target: a fast strategy that answers wrongly is a bug
            lines.append(f"- {name}: the strategies' answers differ: {_agreement(agree)}")
        for label, key, targeted in QUERY_ROWS:
            if targeted:
                p95 = _get(r, "queries", key, "p95_ms")
                lines.append(f"- {name}, {label} p95 < {TARGET_QUERY_P95_MS:g} ms: "
                             f"{_verdict(None if p95 is None else p95 < TARGET_QUERY_P95_MS)} ({_num(p95, '.2f')} ms)")
        # every graph question asked both ways counts: chain of command and the others
        ratio = _get(r, "graphql", "ratio_p50")
        others = [_get(r, "graphql", "questions", key, "ratio_p50") for key in GRAPHQL_OTHERS] \
            if _get(r, "graphql", "questions") else []
        worst = None if ratio is None or None in others else max([ratio, *others])
        lines.append(f"- {name}, GraphQL ≤ {TARGET_GRAPHQL_RATIO:g}× direct: "
                     f"{_verdict(None if worst is None else worst <= TARGET_GRAPHQL_RATIO)} "
                     f"(chain of command {_num(ratio, '.2f')}×"
                     + "".join(f", {label} {_num(v, '.2f')}×" for label, v in zip(GRAPHQL_OTHERS.values(), others))
                     + ")")
        ratio = _get(r, "load", "ratio_to_bulk")
        lines.append(f"- {name}, loader within {TARGET_LOAD_RATIO:g}× of the bulk path: "
                     f"{_verdict(None if ratio is None else ratio <= TARGET_LOAD_RATIO)} ({_num(ratio, '.2f')}×)")
        chart = _get(r, "chart", "seconds")
        # at the targets' scale a municipality has 500 units or more: its chart in the graph counts too
        units, in_graph = _get(r, "chart_in_graph", "units"), _get(r, "chart_in_graph", "seconds")
        counted = [chart] + ([in_graph] if units is not None and units >= 500 else [])
        slowest = None if None in counted else max(counted)
        lines.append(f"- {name}, 500-unit org chart < {TARGET_CHART_S:g} s: "
                     f"{_verdict(None if slowest is None else slowest < TARGET_CHART_S)} ({_num(chart, '.3f')} s"
                     + (f"; in the graph, {units} units: {_num(in_graph, '.3f')} s" if in_graph is not None else "")
                     + ")")
    return lines


def table(header: list[str], body: list[tuple[str, list[str]]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([label, *(c.replace("|", "\\|") for c in cells)]) + " |" for label, cells in body]
    return "\n".join(lines)


def markdown(report: dict, notes: str = "") -> str:
    m = report["machine"]
    engines = list(report["engines"])
    header = ["measure", *engines]
    load = m.get("load_average")
    parts = [
        f"## Run of {report['date']}: scale {report['scale']:g}, {report['runs']} runs per query"
        + (f", after {report['warmup']:g} s of warm-up per engine" if report.get("warmup") else ""),
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB memory, {m['os']}, "
        f"Python {m['python']}" + (f"; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
                                   if load else "") + ".",
        "",
        table(header, rows(report)),
        "",
        "Before and after, by strategy (`queries/traversals.py`, `STRATEGY`):",
        "",
        table(header, strategy_rows(report)),
        "",
        "Targets:",
        "",
        *verdicts(report),
    ]
    if notes:
        parts += ["", notes]
    return "\n".join(parts) + "\n"


RUN_START, RUN_END = "<!-- bench:run:start -->", "<!-- bench:run:end -->"


def write_markdown(path: Path, section: str) -> None:
    """Replace the generated section of the file (or create the file with a short head)."""
    block = f"{RUN_START}\n{section}{RUN_END}\n"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if RUN_START in text and RUN_END in text:
            head, rest = text.split(RUN_START, 1)
            tail = rest.split(RUN_END, 1)[1].lstrip("\n")
            path.write_text(head + block + ("\n" + tail if tail else ""), encoding="utf-8")
            return
        path.write_text(text.rstrip("\n") + "\n\n" + block, encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Benchmarks\n\nWritten by `orggraph bench`.\n\n" + block, encoding="utf-8")
