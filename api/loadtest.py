"""A bounded load test against a running `orggraph serve`: many clients, reads and writes mixed.

    python -m orggraph.api.loadtest --url http://127.0.0.1:8000 [--clients 200] [--seconds 60]
                                    [--token JWT] [--write-share 0.1] [--json]

Each client keeps its own HTTP connection and sends one request after another for the given
time, picking each request at random (seeded) among typical GraphQL reads on data/seeds, an org
chart, and (with an editor token) a mutation creating a unit with a fresh id. Prints, per kind,
how many requests, how many failed, p50 and p99 latency and throughput. A failure is a 5xx, a
transport error (refused, reset, timed out), or a GraphQL error in a 200. Exit code 1 when
anything failed. Meant for loopback: the client shares the machine with the server, so the
figures describe the pair, not the server alone.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from .bench import percentile

AS_OF = "2005-01-01"
READS: dict[str, str] = {
    "chainOfCommand": f'{{ chainOfCommand(id: "isk-ikt", asOf: "{AS_OF}") {{ depth id type name holder }} }}',
    "subordinates": f'{{ subordinates(id: "isk", depth: 3, asOf: "{AS_OF}") {{ depth id type name parent }} }}',
    "agreementsOf": '{ agreementsOf(id: "salangen", asOf: "2007-06-01") { name status role hosts parties } }',
    "node": f'{{ node(id: "isk-ikt", asOf: "{AS_OF}") {{ ... on Unit {{ name basedAt {{ node {{ displayName }} }} }} }} }}',
}
CHART = f"/charts/org/isk.svg?asOf={AS_OF}&depth=2"
CREATE = "mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }"


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    examples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failures += 1
        if len(self.examples) < 3:
            self.examples.append(what[:300])


def _choose(rng: random.Random, write_share: float, chart_share: float, can_write: bool) -> str:
    roll = rng.random()
    if can_write and roll < write_share:
        return "createUnit"
    if roll < write_share + chart_share:
        return "chart"
    return rng.choice(list(READS))


async def _one(client: httpx.AsyncClient, kind: str, token: str | None, unique: str) -> str | None:
    """Send one request of `kind`; returns None if it succeeded, else what went wrong."""
    if kind == "chart":
        response = await client.get(CHART)
        if response.status_code != 200 or not response.content.lstrip().startswith((b"<svg", b"<?xml")):
            return f"chart: {response.status_code} {response.text[:200]}"
        return None
    if kind == "createUnit":
        body = {"query": CREATE, "variables": {"i": {"id": unique, "name": f"Load {unique}", "kind": "unit",
                                                     "source": "orggraph.api.loadtest"}}}
        response = await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    else:
        response = await client.post("/graphql", json={"query": READS[kind]})
    if response.status_code != 200:
        return f"{kind}: {response.status_code} {response.text[:200]}"
    payload = response.json()
    if payload.get("errors") or not payload.get("data"):
        return f"{kind}: {payload}"
    return None


async def _client(number: int, url: str, until: float, token: str | None, args: argparse.Namespace,
                  kinds: dict[str, Kind]) -> None:
    rng = random.Random(args.seed * 100_003 + number)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=args.timeout, limits=limits) as client:
        sent = 0
        while time.monotonic() < until:
            kind = _choose(rng, args.write_share, args.chart_share, token is not None)
            unique = f"loadtest-{args.seed}-{number}-{sent}"
            sent += 1
            started = time.monotonic()
            try:
                problem = await _one(client, kind, token, unique)
            except httpx.HTTPError as exc:
                problem = f"{kind}: {type(exc).__name__}: {exc}"
            kinds[kind].latencies.append(time.monotonic() - started)
            if problem:
                kinds[kind].fail(problem)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    token = args.token or os.environ.get("ORGGRAPH_LOADTEST_TOKEN") or None
    kinds = {name: Kind() for name in [*READS, "chart", "createUnit"]}
    started = time.monotonic()
    until = started + args.seconds
    await asyncio.gather(*(_client(n, args.url, until, token, args, kinds) for n in range(args.clients)))
    elapsed = time.monotonic() - started
    summary: dict[str, Any] = {"clients": args.clients, "seconds": round(elapsed, 1), "kinds": {}}
    everything: list[float] = []
    for name, kind in kinds.items():
        if not kind.latencies:
            continue
        everything += kind.latencies
        summary["kinds"][name] = _figures(kind.latencies, elapsed, kind.failures, kind.examples)
    summary["total"] = _figures(everything, elapsed, sum(k.failures for k in kinds.values()), [])
    return summary


def _figures(latencies: list[float], elapsed: float, failures: int, examples: list[str]) -> dict[str, Any]:
    return {"requests": len(latencies), "failures": failures, "failure_examples": examples,
            "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 99) * 1000, 1),
            "per_second": round(len(latencies) / elapsed, 1)}


def _print_table(summary: dict[str, Any]) -> None:
    print(f"{summary['clients']} clients for {summary['seconds']} s")
    print(f"{'kind':<16}{'requests':>10}{'failed':>8}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>9}")
    for name, f in [*summary["kinds"].items(), ("total", summary["total"])]:
        print(f"{name:<16}{f['requests']:>10}{f['failures']:>8}{f['p50_ms']:>10}{f['p99_ms']:>10}"
              f"{f['per_second']:>9}")
        for example in f["failure_examples"]:
            print(f"    {example}")


class _Help(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the description's paragraphs and shows each option's default."""


def main(argv: list[str] | None = None) -> int:
    summary_line, _usage, details = __doc__.split("\n\n", 2)
    parser = argparse.ArgumentParser(prog="python -m orggraph.api.loadtest",
                                     description=f"{summary_line}\n\n{details}", formatter_class=_Help)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of `orggraph serve` "
                        "(with data/seeds loaded)")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients, one connection each")
    parser.add_argument("--seconds", type=float, default=60, help="how long to send requests")
    parser.add_argument("--token", help="an editor JWT for the mutations (env ORGGRAPH_LOADTEST_TOKEN); "
                        "without one only reads are sent")
    parser.add_argument("--write-share", type=float, default=0.1, help="share of requests that write")
    parser.add_argument("--chart-share", type=float, default=0.05, help="share of requests that draw a chart")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a request counts as failed")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000,
                        help="random seed (also makes the created ids unique per run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients must be at least 1 and --seconds above 0")
    summary = asyncio.run(run(args))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_table(summary)
    return 1 if summary["total"]["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
