"""Two writers at once never leave a mixed graph.

* Two `orggraph load` processes of two versions of the same datasets: the graph ends as wholly
  one version or the other. On the embedded engine the second process is refused (exit 3,
  naming the holder); on Neo4j every write transaction first takes the graph's write lock
  (orggraph/engine/neo4j.py), so the second load waits and then replaces the first.
* Two `orggraph serve` processes on one Neo4j receiving contradicting mutations at the same
  moment (A part of B, B part of A): exactly one of each pair is accepted, no cycle is written.
"""
from __future__ import annotations

import concurrent.futures
import csv
import re
import time

import httpx
import pytest

from orggraph.engine import open_engine

from conftest import snapshot, wipe
from reliutil import (SEEDS, cli_env, editor_token, generate, orggraph, serving, settings_of,
                      start_orggraph)

ROUNDS = 2


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Version 1 of the synthetic datasets, and version 2: the same ids and links, every source
    and every unit's fte changed, so any mixture of the two is visible."""
    root = tmp_path_factory.mktemp("versions")
    v1 = generate(root / "v1", 0.004, 31)
    v2 = root / "v2"
    v2.mkdir()
    for path in v1.iterdir():
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            row["source"] = "version 2 of " + row["source"]
            if row.get("fte"):
                row["fte"] = str(float(row["fte"]) + 1)
        with (v2 / path.name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return v1, v2


def graph_of(env):
    with open_engine(settings_of(env)) as engine:
        return snapshot(engine)


def reset(env):
    with open_engine(settings_of(env)) as engine:
        wipe(engine)


def reference_graphs(env, versions):
    graphs = []
    for folder in versions:
        reset(env)
        done = orggraph(env, "load", str(folder))
        assert done.returncode == 0, done.stderr
        graphs.append(graph_of(env))
    assert graphs[0] != graphs[1]
    return graphs


def test_two_embedded_loads_at_once_second_is_refused(tmp_path, versions):
    env = cli_env("embedded", tmp_path)
    # The first load must still hold the database while a second process starts (about a
    # second of imports): a bigger version 1 keeps it busy reading and validating for longer.
    big = generate(tmp_path / "big", 0.03, 31)
    reference = reference_graphs(env, (big, versions[1]))
    first = start_orggraph(env, "load", str(big))
    lock = tmp_path / "graph.lbdb.lock"
    try:
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().startswith(f"pid {first.pid}:")):
            assert first.poll() is None and time.monotonic() < deadline, "the first load never held the database"
            time.sleep(0.01)
        second = orggraph(env, "load", str(versions[1]))
        assert second.returncode == 3, second.stderr
        assert re.search(r"held by pid \d+: .*orggraph.* load", second.stderr), second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.communicate(timeout=300)
    assert first.returncode == 0
    assert graph_of(env) == reference[0]


def test_two_neo4j_loads_at_once_give_one_version(tmp_path, versions):
    env = cli_env("neo4j", tmp_path)
    reference = reference_graphs(env, versions)
    for round_ in range(ROUNDS):
        reset(env)
        procs = [start_orggraph(env, "load", str(folder)) for folder in versions]
        outputs = [p.communicate(timeout=600) for p in procs]
        for proc, (out, err) in zip(procs, outputs):
            assert proc.returncode == 0, err
        final = graph_of(env)
        assert final in reference, (f"round {round_}: a mixed graph: {len(final[0])} nodes, "
                                    f"{len(final[1])} relationships")


SECRET = "orggraph-reliability-secret-at-least-32-bytes"
PAIRS = 12
CREATE = "mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }"
PART_OF = "mutation($i: AddRelationshipInput!) { addRelationship(input: $i) { from to } }"


def test_two_servers_racing_mutations_never_write_a_cycle(tmp_path):
    env = cli_env("neo4j", tmp_path, ORGGRAPH_JWT_SECRET=SECRET)
    reset(env)
    done = orggraph(env, "load", str(SEEDS))
    assert done.returncode == 0, done.stderr
    headers = {"Authorization": f"Bearer {editor_token(SECRET)}"}
    with serving(env) as one, serving(env) as two:
        for n in range(2 * PAIRS):
            made = httpx.post(one + "/graphql", headers=headers, timeout=60, json={
                "query": CREATE, "variables": {"i": {"id": f"race-{n}", "name": f"Race {n}",
                                                     "kind": "unit", "source": "test"}}}).json()
            assert "errors" not in made, made

        def link(base, source, target):
            return httpx.post(base + "/graphql", headers=headers, timeout=120, json={
                "query": PART_OF, "variables": {"i": {"type": "PART_OF", "from": source, "to": target,
                                                      "source": "race test"}}}).json()

        with concurrent.futures.ThreadPoolExecutor(2 * PAIRS) as pool:
            futures = []
            for p in range(PAIRS):
                a, b = f"race-{2 * p}", f"race-{2 * p + 1}"
                futures.append((pool.submit(link, one, a, b), pool.submit(link, two, b, a)))
            answers = [(f.result(), g.result()) for f, g in futures]
    for p, pair in enumerate(answers):
        # a refused mutation answers null at its own field (mutation results are nullable)
        accepted = [a for a in pair if (a.get("data") or {}).get("addRelationship")]
        refused = [a for a in pair if a.get("errors")]
        assert len(accepted) == 1 and len(refused) == 1, f"pair {p}: {pair}"
        assert "cycle" in refused[0]["errors"][0]["message"], refused[0]
    with open_engine(settings_of(env)) as engine:
        links = engine.read("MATCH (a:Unit)-[:PART_OF]->(b:Unit) WHERE a.id STARTS WITH 'race-' "
                            "RETURN count(*) AS c")[0]["c"]
    assert links == PAIRS
