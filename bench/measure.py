"""Measure one engine: load, bulk load, queries, chart, GraphQL, memory. Prints one JSON object.

    python -m orggraph.bench.measure --engine embedded --data DIR --workdir DIR [--runs N]

`orggraph bench` runs this once per engine, each in its own process, so that peak
memory (ru_maxrss) belongs to one engine. Nothing here asserts a timing.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from orggraph.config import Settings
from orggraph.engine import open_engine
from orggraph.engine.base import Engine

AS_OF = dt.date(2024, 6, 1)
#: seconds of questions asked before any is timed (see warm_up)
WARMUP_SECONDS = 30.0


def percentiles(times: list[float]) -> dict[str, float]:
    """p50, p95 and p99 (nearest rank) and the slowest, in milliseconds."""
    ordered = sorted(times)
    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))] * 1000
    return {"p50_ms": rank(0.50), "p95_ms": rank(0.95), "p99_ms": rank(0.99), "max_ms": ordered[-1] * 1000,
            "n": len(ordered)}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def latencies(run: Callable[[Any], Any], samples: list[Any], runs: int, warmup: int = 3) -> dict:
    for sample in samples[:warmup]:
        run(sample)
    times = []
    for index in range(runs):
        sample = samples[index % len(samples)]
        started = time.perf_counter()
        run(sample)
        times.append(time.perf_counter() - started)
    return percentiles(times)


# --- loading ---------------------------------------------------------------------------------

def parsed_items(data: Path):
    from orggraph.loader.load import check
    checked = check([data])
    return checked


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def bulk_embedded(checked, workdir: Path) -> dict:
    """LadybugDB's own bulk path: COPY FROM CSV files laid out as its tables (prepared untimed)."""
    from orggraph.schema import NODE_BY_LABEL, REL_BY_NAME
    folder = workdir / "copy-csv"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    by_label: dict[str, list] = defaultdict(list)
    for node in checked.parsed.nodes:
        by_label[node.label].append(node)
    by_pair: dict[tuple, list] = defaultdict(list)
    for rel in checked.parsed.rels:
        by_pair[(rel.type, checked.labels[rel.source], checked.labels[rel.target])].append(rel)
    statements = []
    for label, nodes in by_label.items():
        columns = [p.name for p in NODE_BY_LABEL[label].all_props]
        path = folder / f"{label}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for node in nodes:
                writer.writerow([_cell(node.id if c == "id" else node.props.get(c)) for c in columns])
        statements.append(f"COPY {label} FROM '{path}' (HEADER=true)")
    for (rel_type, source, target), rels in by_pair.items():
        columns = [p.name for p in REL_BY_NAME[rel_type].all_props]
        path = folder / f"{rel_type}-{source}-{target}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["from", "to", *columns])
            for rel in rels:
                writer.writerow([rel.source, rel.target, *(_cell(rel.props.get(c)) for c in columns)])
        pairs = len(REL_BY_NAME[rel_type].pairs)
        options = f"HEADER=true, from='{source}', to='{target}'" if pairs > 1 else "HEADER=true"
        statements.append(f"COPY {rel_type} FROM '{path}' ({options})")
    db = workdir / "bulk" / "graph.lbdb"
    shutil.rmtree(db.parent, ignore_errors=True)
    engine = open_engine(Settings(engine="embedded", db_path=db))
    try:
        seconds, _ = timed(lambda: [engine.read(s) for s in statements])
    finally:
        engine.close()
        shutil.rmtree(db.parent, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    return {"seconds": seconds, "how": "COPY FROM CSV, one statement per table"}


NEO4J_BULK_BATCH = 10_000


def wipe_neo4j(engine) -> None:
    with engine._driver.session(database=engine.database) as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def bulk_neo4j(checked, engine) -> dict:
    """Neo4j's plain path: UNWIND batches of CREATE, one transaction per batch, no MERGE."""
    from orggraph.schema import NODE_BY_LABEL
    wipe_neo4j(engine)
    by_label: dict[str, list] = defaultdict(list)
    for node in checked.parsed.nodes:
        by_label[node.label].append({"id": node.id, **{k: v for k, v in node.props.items() if v is not None}})
    by_type: dict[str, list] = defaultdict(list)
    for rel in checked.parsed.rels:
        by_type[rel.type].append({"s": rel.source, "t": rel.target,
                                  "p": {k: v for k, v in rel.props.items() if v is not None}})

    def run() -> None:
        with engine._driver.session(database=engine.database) as session:
            for label, rows in by_label.items():
                assert label in NODE_BY_LABEL
                for start in range(0, len(rows), NEO4J_BULK_BATCH):
                    session.run(f"UNWIND $rows AS row CREATE (n:{label}:Entity) SET n = row",
                                rows=rows[start:start + NEO4J_BULK_BATCH]).consume()
            for rel_type, rows in by_type.items():
                for start in range(0, len(rows), NEO4J_BULK_BATCH):
                    session.run("UNWIND $rows AS row MATCH (a:Entity {id: row.s}) MATCH (b:Entity {id: row.t}) "
                                f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.p",
                                rows=rows[start:start + NEO4J_BULK_BATCH]).consume()
    seconds, _ = timed(run)
    wipe_neo4j(engine)
    return {"seconds": seconds, "how": f"UNWIND batches of {NEO4J_BULK_BATCH} plain CREATE, a transaction each"}


def load_with_orggraph(engine: Engine, data: Path) -> dict:
    from orggraph.loader.load import check
    from orggraph.loader.write import write_items
    started = time.perf_counter()
    checked = check([data], engine)
    checked_at = time.perf_counter()
    parsed = checked.parsed
    report = write_items(engine, checked.datasets, parsed.nodes, parsed.rels, checked.labels)
    done = time.perf_counter()
    return {"seconds": done - started, "read_validate_seconds": checked_at - started,
            "write_seconds": done - checked_at, "nodes": report.nodes, "relationships": report.relationships,
            "written": report.nodes + report.relationships - report.unchanged_nodes
            - report.unchanged_relationships}


# --- queries ---------------------------------------------------------------------------------

def samples(engine: Engine, seed: int = 7, size: int = 200) -> dict[str, list]:
    rng = random.Random(seed)
    def ids(cypher: str) -> list[str]:
        return sorted(r["id"] for r in engine.read(cypher))
    units, posts = ids("MATCH (n:Unit) RETURN n.id AS id"), ids("MATCH (n:Post) RETURN n.id AS id")
    areas = ids("MATCH (n:Unit) WHERE n.kind = 'service_area' RETURN n.id AS id")
    names = sorted(r["name"] for r in engine.read("MATCH (n:Unit) RETURN n.name AS name"))
    def pick(values: list, k: int) -> list:
        return rng.sample(values, min(k, len(values))) if values else []
    leaders = pick(units, size // 2) + pick(posts, size // 2)
    words = [" ".join(name.split()[-2:]) for name in pick(names, 50)]  # e.g. "avdeling 123"
    # units and posts of municipalities that began with a merger or a split: their answers cross it
    begun = {r["id"] for r in engine.read("MATCH (:ChangeEvent)-[:HAS_SUCCESSOR]->(o:Organisation) RETURN o.id AS id")}
    merged = pick([i for i in units if i.split("-")[0] in begun], 5) + \
        pick([i for i in posts if i.split("-")[0] in begun], 5)
    return {"line": leaders, "areas": pick(areas, 50) or leaders, "words": words, "merged": merged}


def query_latencies(engine: Engine, sample: dict, runs: int) -> dict:
    out = {}
    line, areas = sample["line"], sample["areas"]
    out["chain_of_command"] = latencies(lambda i: engine.query("chain_of_command", id=i, as_of=AS_OF),
                                        line, runs)
    out["span_of_control"] = latencies(lambda i: engine.query("span_of_control", id=i, as_of=AS_OF),
                                       line, runs)
    out["subordinates_depth_3"] = latencies(
        lambda i: engine.query("subordinates", id=i, depth=3, as_of=AS_OF), areas, max(5, runs // 4), 1)
    out["within_2"] = latencies(lambda i: engine.query("within", id=i, steps=2, as_of=AS_OF),
                                line, max(5, runs // 4), 1)
    out["search_by_name"] = latencies(lambda w: engine.query("search_by_name", text=w, as_of=AS_OF),
                                      sample["words"], max(5, runs // 4), 1)
    return out


STEPS = ("direct_reports", "neighbours", "dependents")


@contextmanager
def _strategies_kept() -> Iterator[None]:
    """The query strategies (`traversals.STRATEGY`) as they were, after a measurement switched them."""
    from orggraph.queries import traversals
    saved = {name: dict(v) for name, v in traversals.STRATEGY.items()}
    try:
        yield
    finally:
        for name, value in saved.items():
            traversals.STRATEGY[name].update(value)


def chain_strategies(engine: Engine, sample: dict, runs: int) -> dict:
    """chain_of_command (and span_of_control) under every strategy: the before/after numbers."""
    from orggraph.queries import line_index, traversals
    out: dict[str, Any] = {}
    line = sample["line"]
    with _strategies_kept():
        for strategy in ("statement", "hops", "index"):
            if strategy == "index" and engine.dialect != "ladybug":
                continue  # a Neo4j server has other writers: no cache there
            traversals.STRATEGY["chain_of_command"][engine.dialect] = strategy
            if strategy == "index":
                line_index.forget(engine)
                build, index = timed(lambda: line_index.current(engine, build_now=True))
                out["index_build_seconds"] = build
                out["index_entries"] = index.size if index else 0
            slow = engine.dialect == "ladybug" and strategy != "index"
            out[f"chain_of_command/{strategy}"] = latencies(
                lambda i: engine.query("chain_of_command", id=i, as_of=AS_OF), line,
                min(runs, 20) if slow else runs, 1)
        for strategy in ("statement", "index") if engine.dialect == "ladybug" else ("statement",):
            traversals.STRATEGY["span_of_control"][engine.dialect] = strategy
            out[f"span_of_control/{strategy}"] = latencies(
                lambda i: engine.query("span_of_control", id=i, as_of=AS_OF), line,
                min(runs, 20) if strategy == "statement" and engine.dialect == "ladybug" else runs, 1)
        for strategy in ("statement", "index") if engine.dialect == "ladybug" else ():
            for step in STEPS:  # the one-hop steps of subordinates and within
                traversals.STRATEGY[step][engine.dialect] = strategy
            slow = min(runs, 10) if strategy == "statement" else max(5, runs // 4)
            out[f"subordinates/{strategy}"] = latencies(
                lambda i: engine.query("subordinates", id=i, depth=3, as_of=AS_OF), sample["areas"], slow, 1)
            out[f"within/{strategy}"] = latencies(
                lambda i: engine.query("within", id=i, steps=2, as_of=AS_OF), line, slow, 1)
        for strategy in ("statement", "index") if engine.dialect == "ladybug" else ():
            traversals.STRATEGY["search_by_name"][engine.dialect] = strategy
            out[f"search_by_name/{strategy}"] = latencies(
                lambda w: engine.query("search_by_name", text=w, as_of=AS_OF), sample["words"],
                max(5, runs // 4), 1)
    return out


#: the days the strategies' answers are compared on: before the generated history, in it, the day measured
AGREE_DAYS = (dt.date(2015, 6, 1), dt.date(2020, 6, 1), AS_OF)
#: question: (samples, parameters, the strategies switched, ids compared from each sample; the
#: statements are slow on LadybugDB)
AGREE_ASKS = {"chain_of_command": (("line", "merged"), {}, ("chain_of_command",), 20),
              "span_of_control": (("line", "merged"), {}, ("span_of_control",), 20),
              "subordinates": (("areas",), {"depth": 3}, STEPS, 4),
              "within": (("line", "areas"), {"steps": 2}, STEPS, 2),
              # a service area's impact reaches the agreements that depend on it, and their buyers
              "impact": (("areas",), {"steps": 2}, STEPS, 3)}


def _canonical(rows: list[dict]) -> list:
    return sorted((sorted(row.items(), key=str) for row in rows), key=str)


def strategies_agree(engine: Engine, sample: dict) -> dict:
    """The answers of the strategies `chain_strategies` times, compared (order aside) on sample ids
    and AGREE_DAYS: a fast strategy counts only if it answers as the statements do, on the days
    the generated history changes and across its mergers. LadybugDB: the line index against the
    statements; Neo4j: chain of command's statement against one `chain_step` per level."""
    from orggraph.queries import traversals
    compared, crossing, differing = 0, 0, []
    merged = set(sample.get("merged", []))
    with _strategies_kept():
        for name, (drawn_from, params, switched, count) in AGREE_ASKS.items():
            choices = ("statement", "index") if engine.dialect == "ladybug" else \
                ("statement", "hops") if name == "chain_of_command" else ()
            ids = [node_id for one in drawn_from for node_id in sample.get(one, [])[:count]]
            for node_id in ids if choices else ():
                for day in AGREE_DAYS:
                    answers = []
                    for strategy in choices:
                        for step in switched:
                            traversals.STRATEGY[step][engine.dialect] = strategy
                        answers.append(_canonical(engine.query(name, id=node_id, as_of=day, **params)))
                    compared += 1
                    crossing += node_id in merged
                    if any(answer != answers[0] for answer in answers):
                        differing.append(f"{name} {node_id} {day}")
    return {"compared": compared, "differ": len(differing), "first": differing[:3],
            "days": [day.isoformat() for day in AGREE_DAYS], "merged": crossing}


def warm_up(engine: Engine, sample: dict, seconds: float) -> dict:
    """Ask the measured questions round-robin for `seconds` before any is timed.

    A server answers questions all day: its JIT has compiled the read path, its caches are warm.
    Neo4j's first few hundred statements after start are interpreted (`RETURN 1` took 4.7 ms
    at first, 1.2 ms after 2 000 calls here), so three warm-up calls measured the JVM, not the
    query. LadybugDB has no JIT; the round-robin is the same for both."""
    asks = [lambda i: engine.query("chain_of_command", id=i, as_of=AS_OF),
            lambda i: engine.query("span_of_control", id=i, as_of=AS_OF),
            lambda i: engine.query("subordinates", id=i, depth=3, as_of=AS_OF),
            lambda i: engine.query("within", id=i, steps=2, as_of=AS_OF)]
    started, calls = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        node_id = sample["line"][calls % len(sample["line"])]
        asks[calls % len(asks)](node_id)
        calls += 1
    return {"seconds": time.perf_counter() - started, "calls": calls}


CHAIN_QUERY = ("query($id: ID!, $asOf: Date) { chainOfCommand(id: $id, asOf: $asOf) "
               "{ depth id type name headPost holder capacity } }")


#: the other graph questions asked through GraphQL and directly: (GraphQL document, sample, direct call)
OTHER_QUESTIONS = {
    "span_of_control": ("query($id: ID!, $asOf: Date) { spanOfControl(id: $id, asOf: $asOf) "
                        "{ id type name directReports } }", "line",
                        lambda engine, i: engine.query("span_of_control", id=i, as_of=AS_OF)),
    "subordinates_depth_3": ("query($id: ID!, $asOf: Date) { subordinates(id: $id, depth: 3, asOf: $asOf) "
                             "{ depth id type name parent kind } }", "areas",
                             lambda engine, i: engine.query("subordinates", id=i, depth=3, as_of=AS_OF)),
    "within_2": ("query($id: ID!, $asOf: Date) { within(id: $id, steps: 2, asOf: $asOf) "
                 "{ depth id type name via relationship } }", "line",
                 lambda engine, i: engine.query("within", id=i, steps=2, as_of=AS_OF)),
}
SEARCH_QUERY = "query($text: String!) { search(text: $text) { id displayName } }"
UNITS_QUERY = "{ units(first: 50) { totalCount nodes { id name } } }"


def asgi_post(app: Any, body: bytes) -> Callable[[], Any]:
    """One POST /graphql handed straight to the ASGI app, as a server hands it a request that
    arrived: no HTTP client, no socket. Returns an awaitable factory; it raises on a non-200."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
             "root_path": "", "client": ("127.0.0.1", 1), "server": ("bench", 80),
             "headers": [(b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())]}

    async def post() -> bytes:
        messages: list[dict] = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict] = []

        async def receive() -> dict:
            if messages:
                return messages.pop()
            await asyncio.Event().wait()  # the client never disconnects
            return {}

        async def send(message: dict) -> None:
            sent.append(message)
        await app(scope, receive, send)
        payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        if sent[0]["status"] != 200 or b'"errors"' in payload:
            raise RuntimeError(f"GraphQL answered {sent[0]['status']}: {payload[:500]!r}")
        return payload
    return post


def graphql_ratio(engine: Engine, sample: dict, runs: int) -> dict:
    """chainOfCommand through GraphQL against `engine.query("chain_of_command")`, ratio of p50s;
    spanOfControl, subordinates (depth 3) and within (2 steps) the same way (`questions`).

    Each id is asked both ways in turn, so both see the same machine. The GraphQL time is the
    server's: the request handed to the ASGI app until its response is complete (routing, body,
    limits, parse/validation caches, execution, JSON). The in-process HTTP client's own cost
    (httpx building the request and reading the response) is measured too, for information."""
    import importlib.util
    try:
        import httpx
        from orggraph.api import create_app
    except ImportError as exc:
        return {"error": f"no GraphQL API to measure: {exc}"}
    app = create_app(engine)
    line = sample["line"]

    def body(node_id: str, query: str = CHAIN_QUERY) -> bytes:
        return json.dumps({"query": query, "variables": {"id": node_id, "asOf": AS_OF.isoformat()}}).encode()

    async def in_turn(ids: list[str], query: str, direct_call: Callable[[str], Any], n: int) -> tuple[dict, dict]:
        """Each id asked through GraphQL and directly in turn, so both see the same machine."""
        posts = {node_id: asgi_post(app, body(node_id, query)) for node_id in ids}
        for node_id in ids[:3]:
            await posts[node_id]()
        server, direct = [], []
        for index in range(n):
            node_id = ids[index % len(ids)]
            started = time.perf_counter()
            await posts[node_id]()
            server.append(time.perf_counter() - started)
            started = time.perf_counter()
            direct_call(node_id)
            direct.append(time.perf_counter() - started)
        return percentiles(server), percentiles(direct)

    async def measure() -> tuple[dict, dict, dict, dict, dict]:
        async with app.router.lifespan_context(app):  # as a server starts and stops the app
            return await timed_requests()

    async def timed_requests() -> tuple[dict, dict, dict, dict, dict]:
        server, direct = await in_turn(line, CHAIN_QUERY,
                                       lambda i: engine.query("chain_of_command", id=i, as_of=AS_OF), runs)
        others = {}
        for name, (query, ids, call) in OTHER_QUESTIONS.items():
            graphql, plain = await in_turn(sample[ids], query, lambda i, c=call: c(engine, i), max(5, runs // 2))
            others[name] = {"graphql": graphql, "direct": plain,
                            "ratio_p50": graphql["p50_ms"] / plain["p50_ms"] if plain["p50_ms"] else None}
        client = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            for index in range(runs):
                started = time.perf_counter()
                response = await http.post("/graphql", content=body(line[index % len(line)]),
                                           headers={"content-type": "application/json"})
                client.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(f"GraphQL answered {response.status_code}: {response.text[:500]}")
        return server, direct, percentiles(client), await root_fields(), others

    async def root_fields() -> dict:
        """What a leader meets first at this scale: a search by name and the first page of units."""
        asks = {"search": [json.dumps({"query": SEARCH_QUERY, "variables": {"text": w}}).encode()
                           for w in sample["words"]],
                "units_page": [json.dumps({"query": UNITS_QUERY}).encode()]}
        out = {}
        for name, bodies in asks.items():
            posts = [asgi_post(app, b) for b in bodies]
            await posts[0]()  # the first search after a load may build the line index
            times = []
            for index in range(max(5, runs // 20)):
                started = time.perf_counter()
                await posts[index % len(posts)]()
                times.append(time.perf_counter() - started)
            out[name] = percentiles(times)
        return out

    over_graphql, direct, client, roots, others = asyncio.run(measure())
    out = {"query": "chain_of_command", "graphql": over_graphql, "direct": direct, "with_client": client,
           "root_fields": roots, "questions": others,
           "ratio_p50": over_graphql["p50_ms"] / direct["p50_ms"] if direct["p50_ms"] else None,
           "overhead_p50_ms": over_graphql["p50_ms"] - direct["p50_ms"],
           "api_bench_module": importlib.util.find_spec("orggraph.api.bench") is not None}
    if out["api_bench_module"]:  # the API's own benchmark (seed questions): run it too
        try:
            out["api_bench"] = api_bench(engine, runs)
        except Exception as exc:
            out["api_bench"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


NODE_QUERY = "query($id: ID!) { node(id: $id) { id } }"
#: how often `server_start` asks while the index is built
START_ASK_EVERY = 0.05


def server_start(engine: Engine, sample: dict) -> dict:
    """A server starting on this database (LadybugDB): the line index built behind it, as
    `orggraph serve` does, while `node(id:)` (a question the database answers) is asked every
    50 ms at the ASGI boundary: how long until the index is current, and what a request took
    meanwhile (the build shares the process, its GIL and the two cores with them)."""
    from orggraph.api import create_app
    from orggraph.queries import line_index
    app = create_app(engine)
    posts = [asgi_post(app, json.dumps({"query": NODE_QUERY, "variables": {"id": node_id}}).encode())
             for node_id in sample["line"]]

    async def run() -> tuple[float, list[float]]:
        async with app.router.lifespan_context(app):
            await posts[0]()
            line_index.forget(engine)  # as at a start: no index yet
            times: list[float] = []
            started = time.perf_counter()
            builder = line_index.build_in_background(engine)
            while builder is not None and builder.is_alive():
                asked = time.perf_counter()
                await posts[len(times) % len(posts)]()
                times.append(time.perf_counter() - asked)
                await asyncio.sleep(START_ASK_EVERY)
            if builder is not None:
                builder.join()
            return time.perf_counter() - started, times
    try:
        seconds, times = asyncio.run(run())
        if not line_index.is_current(engine):
            raise RuntimeError(f"the line index was not current after its build behind the server "
                               f"(status {line_index.status(engine)})")
    finally:
        line_index.forget(engine)  # back to builds in questions, as the other measures have them
    out: dict[str, Any] = {"current_after_seconds": seconds, "requests": len(times)}
    if times:
        out["during"] = percentiles(times)
    return out


def api_bench(engine: Engine, runs: int) -> dict:
    """`orggraph.api.bench.bench_engine` on this engine, with the seed datasets it asks about."""
    from orggraph.api import bench as api
    from orggraph.loader.load import load
    from orggraph.queries import line_index
    load(engine, [api.SEEDS])
    if engine.dialect == "ladybug":  # as a server has it by then: built behind it after the load
        line_index.current(engine, build_now=True)
    with tempfile.TemporaryDirectory() as folder:
        rows = api.bench_engine(engine, runs, 5, Path(folder))
    return {name: {"rows": count, "graphql_p50_ms": api.percentile(via, 50),
                   "direct_p50_ms": api.percentile(direct, 50),
                   "ratio_p50": api.percentile(via, 50) / api.percentile(direct, 50)}
            for name, count, via, direct in rows}


def chart_time(engine: Engine, dialect_workdir: Path, repeat: int = 3) -> dict:
    """A 500-unit org chart (orggraph.viz.bench's synthetic municipality): build + render SVG."""
    import yaml

    from orggraph.loader.load import load
    from orggraph.loader.write import write_items
    from orggraph.viz.bench import synthetic
    from orggraph.viz.common import render_graph
    from orggraph.viz.org import org_chart
    data = synthetic(500)
    source = dialect_workdir / "bench.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load(engine, [source])
    try:
        best = None
        for _ in range(repeat):
            started = time.perf_counter()
            chart = org_chart(engine, "bench", depth=99)
            svg = render_graph(chart.graph(), "svg")
            seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        return {"seconds": best, "boxes": len(chart.boxes), "svg_bytes": len(svg), "units": len(data["units"])}
    finally:
        write_items(engine, ["bench"], [], [], {})  # the loader's own removal of a dataset


def chart_in_graph(engine: Engine, repeat: int = 3) -> dict:
    """The whole org chart and the two-step dependency map of the municipality with the most units
    in the generated graph (its units' ids begin with the municipality's): build + SVG, best of
    `repeat`, as a server draws them (on LadybugDB from the line index, whose build is not timed)
    and, on LadybugDB, from the statements (the before)."""
    from orggraph.queries import line_index, traversals
    from orggraph.viz.common import render_graph
    from orggraph.viz.deps import deps_chart
    from orggraph.viz.org import org_chart
    counts: dict[str, int] = {}
    for row in engine.read("MATCH (u:Unit) RETURN u.id AS id"):
        prefix = row["id"].split("-")[0]
        counts[prefix] = counts.get(prefix, 0) + 1
    if not counts:
        return {}
    root = max(sorted(counts), key=counts.__getitem__)
    draw = {"": lambda: org_chart(engine, root, depth=99), "deps_": lambda: deps_chart(engine, root, steps=2)}

    def best(chart: Callable[[], Any]) -> tuple[float, int]:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            drawn = chart()
            render_graph(drawn.graph(), "svg")
            times.append(time.perf_counter() - started)
        return min(times), len(drawn.boxes)
    out: dict[str, Any] = {"root": root, "units": counts[root]}
    if engine.dialect == "ladybug":
        saved = traversals.STRATEGY["charts"]["ladybug"]
        traversals.STRATEGY["charts"]["ladybug"] = "statement"
        try:
            for prefix, chart in draw.items():
                out[prefix + "statement_seconds"], _ = best(chart)
        finally:
            traversals.STRATEGY["charts"]["ladybug"] = saved
        line_index.current(engine, build_now=True)  # as a server has it: the build is not timed
    for prefix, chart in draw.items():
        out[prefix + "seconds"], out[prefix + "boxes"] = best(chart)
    return out


def jvm_rss() -> dict | None:
    home = os.environ.get("ORGGRAPH_NEO4J_HOME")
    pid_file = Path(home) / "neo4j.pid" if home else None
    if not pid_file or not pid_file.is_file():
        return None
    pid = pid_file.read_text().strip()
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    def mb(key: str) -> float | None:
        return int(fields[key].split()[0]) / 1024 if key in fields else None
    return {"pid": int(pid), "rss_mb": mb("VmRSS"), "peak_rss_mb": mb("VmHWM")}


def engine_version(engine: Engine) -> str:
    if engine.dialect == "ladybug":
        import ladybug
        return f"LadybugDB {ladybug.__version__} (embedded)"
    import neo4j
    row = engine.read("CALL dbms.components() YIELD name, versions, edition "
                      "RETURN name, versions[0] AS version, edition")[0]
    return f"{row['name']} {row['version']} {row['edition']} (driver {neo4j.__version__})"


def measure(engine_name: str, data: Path, workdir: Path, runs: int, graphql: bool = True,
            warmup: float = WARMUP_SECONDS) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"engine": engine_name}
    checked = parsed_items(data)
    rows = len(checked.parsed.nodes) + len(checked.parsed.rels)
    result["dataset"] = {"nodes": len(checked.parsed.nodes), "relationships": len(checked.parsed.rels),
                         "units": sum(1 for n in checked.parsed.nodes if n.label == "Unit")}
    if engine_name == "embedded":
        db = workdir / "embedded" / "graph.lbdb"
        shutil.rmtree(db.parent, ignore_errors=True)
        result["bulk"] = bulk_embedded(checked, workdir)
        engine = open_engine(Settings(engine="embedded", db_path=db))
    else:
        settings = Settings.from_env(engine="neo4j")
        engine = open_engine(settings)
        result["bulk"] = bulk_neo4j(checked, engine)
    del checked
    gc.collect()
    try:
        result["version"] = engine_version(engine)
        result["load"] = load_with_orggraph(engine, data)
        result["load"]["rows_per_second"] = rows / result["load"]["seconds"]
        result["bulk"]["rows_per_second"] = rows / result["bulk"]["seconds"]
        result["load"]["ratio_to_bulk"] = result["load"]["seconds"] / result["bulk"]["seconds"]
        # the same files again, as a nightly reload of a registry that changed nowhere would
        result["reload"] = load_with_orggraph(engine, data)
        sample = samples(engine)
        result["warm_up"] = warm_up(engine, sample, warmup)
        result["strategies"] = chain_strategies(engine, sample, runs)
        result["strategies"]["agree"] = strategies_agree(engine, sample)
        result["queries"] = query_latencies(engine, sample, runs)
        if graphql:
            try:
                result["graphql"] = graphql_ratio(engine, sample, runs)
            except Exception as exc:  # the API is being built next door: report, do not fail
                result["graphql"] = {"error": f"{type(exc).__name__}: {exc}"}
            if engine_name == "embedded":  # only LadybugDB has a line index to build at start
                result["server_start"] = server_start(engine, sample)
        result["chart_in_graph"] = chart_in_graph(engine)
        chart_dir = workdir / f"chart-{engine_name}"
        chart_dir.mkdir(exist_ok=True)
        if engine_name == "embedded":  # as viz/bench.py: a fresh database of its own
            chart_db = open_engine(Settings(engine="embedded", db_path=chart_dir / "chart.lbdb"))
            try:
                result["chart"] = chart_time(chart_db, chart_dir)
            finally:
                chart_db.close()
        else:
            result["chart"] = chart_time(engine, chart_dir)
        shutil.rmtree(chart_dir, ignore_errors=True)
    finally:
        engine.close()
        if engine_name == "embedded":
            shutil.rmtree(workdir / "embedded", ignore_errors=True)
    result["memory"] = {"python_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                        "neo4j_jvm": jvm_rss() if engine_name == "neo4j" else None}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("embedded", "neo4j"), required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-graphql", action="store_true")
    parser.add_argument("--warmup", type=float, default=WARMUP_SECONDS)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="orggraph-bench-"))
    result = measure(args.engine, args.data, workdir, args.runs, graphql=not args.no_graphql,
                     warmup=args.warmup)
    sys.stdout.write("ORGGRAPH-BENCH " + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
