"""What the GraphQL layer costs: each question through the API against the named query alone.

    python -m orggraph.api.bench [--runs 200] [--warmup 10]

Loads data/seeds into a fresh embedded database (and into Neo4j too when
NEO4J_URI is set: the seed datasets are replaced there, nothing else is touched),
then times, per question, N runs of the GraphQL request through the app in
process (httpx over ASGI: parsing, limits, validation, execution, JSON) and N
runs of the same named query on the engine directly. Prints p50 and p95 of
both in milliseconds and their ratio. A benchmark, not a test: numbers vary by machine.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import httpx

from orggraph.config import Settings
from orggraph.engine import open_engine
from orggraph.engine.base import Engine
from orggraph.loader.load import load

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
AS_OF = "2005-01-01"

# name → (GraphQL query, named query, its parameters)
QUESTIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "chainOfCommand": (
        f'{{ chainOfCommand(id: "isk-ikt", asOf: "{AS_OF}") {{ depth id type name headPost holder capacity }} }}',
        "chain_of_command", {"id": "isk-ikt", "as_of": AS_OF}),
    "subordinates": (
        f'{{ subordinates(id: "isk", depth: 3, asOf: "{AS_OF}") {{ depth id type name parent kind }} }}',
        "subordinates", {"id": "isk", "depth": 3, "as_of": AS_OF}),
    "members": (
        f'{{ members(id: "isk-radmannsgruppen", asOf: "{AS_OF}") {{ id type name role seats holder capacity }} }}',
        "members", {"id": "isk-radmannsgruppen", "as_of": AS_OF}),
}


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def timed(fn: Callable[[], Any], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def bench_engine(engine: Engine, runs: int, warmup: int, tmp: Path) -> list[tuple]:
    from . import create_app
    from .auth import AuthConfig
    from .limits import Limits
    app = create_app(engine, auth=AuthConfig(), limits=Limits(), audit=tmp / "bench-audit.jsonl")
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    rows = []
    try:
        for name, (graphql, query, params) in QUESTIONS.items():
            def via_api() -> None:
                response = loop.run_until_complete(client.post("/graphql", json={"query": graphql}))
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(f"{name}: {response.status_code} {body}")

            answer = engine.query(query, **params)
            if not answer:
                raise RuntimeError(f"{name}: the named query answers nothing on the seeds; pick another id")
            api = timed(via_api, runs, warmup)
            direct = timed(lambda: engine.query(query, **params), runs, warmup)
            rows.append((name, len(answer), api, direct))
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
    return rows


def report(title: str, rows: list[tuple], runs: int) -> None:
    print(f"\n{title} ({runs} runs each; milliseconds)")
    print(f"{'question':<16}{'rows':>5}{'graphql p50':>13}{'p95':>9}{'engine p50':>12}{'p95':>9}"
          f"{'ratio p50':>11}{'p95':>7}")
    for name, count, api, direct in rows:
        a50, a95, d50, d95 = (percentile(api, 50), percentile(api, 95),
                              percentile(direct, 50), percentile(direct, 95))
        print(f"{name:<16}{count:>5}{a50:>13.2f}{a95:>9.2f}{d50:>12.2f}{d95:>9.2f}"
              f"{a50 / d50:>10.1f}x{a95 / d95:>6.1f}x")
    medians = [statistics.median(api) - statistics.median(direct) for _, _, api, direct in rows]
    print(f"GraphQL overhead per request (median of medians): {statistics.median(medians):.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orggraph.api.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per question and path")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs first")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="orggraph-bench-") as folder:
        tmp = Path(folder)
        engine = open_engine(Settings(engine="embedded", db_path=tmp / "graph.lbdb"))
        try:
            load(engine, [SEEDS])
            report(f"embedded LadybugDB, seeds from {SEEDS}", bench_engine(engine, args.runs, args.warmup, tmp),
                   args.runs)
        finally:
            engine.close()
        if os.environ.get("NEO4J_URI"):
            neo4j = open_engine(Settings.from_env(engine="neo4j"))
            try:
                load(neo4j, [SEEDS])
                report(neo4j.describe(), bench_engine(neo4j, args.runs, args.warmup, tmp), args.runs)
            finally:
                neo4j.close()
        else:
            print("\n(Neo4j skipped: set NEO4J_URI, and NEO4J_USER/NEO4J_PASSWORD, to compare it too)")


if __name__ == "__main__":
    main()
