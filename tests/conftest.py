"""Shared fixtures: every engine-dependent test runs on both engines.

Neo4j comes from NEO4J_URI (default bolt://127.0.0.1:7687, as started by
`scripts/neo4j.sh start`). Without one the Neo4j tests skip, except under
CI=true, where they fail: CI must exercise both engines.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from orggraph.config import Settings
from orggraph.engine import open_engine

from hypothesis import HealthCheck, settings

# Property-based tests: a bounded number of examples each, so CI stays inside its 30 minutes (the
# whole suite took 23-26 of them on 2026-12-01; 100 examples cost ~1.5 minutes more); no deadline
# (a request to Neo4j can be slow once without being wrong). ORGGRAPH_FUZZ_EXAMPLES raises it.
FUZZ_EXAMPLES = int(os.environ.get("ORGGRAPH_FUZZ_EXAMPLES") or 60)
settings.register_profile("orggraph", max_examples=FUZZ_EXAMPLES, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
settings.load_profile("orggraph")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ENGINES = ["embedded", "neo4j"]


@pytest.fixture(autouse=True, scope="session")
def own_data_home(tmp_path_factory):
    """Nothing a test starts (in this process or a server or CLI it runs) writes to the user's
    data folder: the default database and the default audit log (which a server on Neo4j uses)
    live under XDG_DATA_HOME, here a temporary folder."""
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    yield
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before


def neo4j_settings() -> Settings:
    env = {k: v for k, v in os.environ.items()}
    env.setdefault("NEO4J_URI", "bolt://127.0.0.1:7687")
    return Settings(engine="neo4j", neo4j_uri=env["NEO4J_URI"],
                    neo4j_user=env.get("NEO4J_USER", "neo4j"),
                    neo4j_password=env.get("NEO4J_PASSWORD", "orggraph-test"),
                    neo4j_database=env.get("NEO4J_DATABASE", "neo4j"))


def _reachable(uri: str) -> bool:
    parsed = urlparse(uri)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 7687), timeout=2):
            return True
    except OSError:
        return False


def require_neo4j() -> Settings:
    settings = neo4j_settings()
    if not _reachable(settings.neo4j_uri):
        message = (f"no Neo4j at {settings.neo4j_uri}: run `bash scripts/neo4j.sh start` "
                   "or set NEO4J_URI")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the Neo4j tests must run)")
        pytest.skip(message)
    return settings


def wipe(engine) -> None:
    engine.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n"))


_neo4j_schema_ready = False


def make_engine(kind: str, tmp_path: Path):
    global _neo4j_schema_ready
    if kind == "neo4j":  # one shared server: wipe the data, set the schema up once per session
        engine = open_engine(require_neo4j(), ensure_schema=not _neo4j_schema_ready)
        _neo4j_schema_ready = True
        wipe(engine)
        return engine
    return open_engine(Settings(engine="embedded", db_path=tmp_path / "graph.lbdb"))


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    """A fresh, empty, schema-ready engine of each kind."""
    eng = make_engine(request.param, tmp_path)
    yield eng
    eng.close()


@pytest.fixture(params=["valid", "seeds"], ids=["test-data", "seeds"])
def indexed(engine, request):
    """LadybugDB holding the test data or the seeds, its line index built: for comparing answers
    from the index with the statements' (the index is LadybugDB's strategy only)."""
    if engine.dialect != "ladybug":
        pytest.skip("the index is LadybugDB's strategy; Neo4j runs the statements")
    from orggraph.loader.load import load
    from orggraph.queries import line_index
    load(engine, [DATA / "valid" if request.param == "valid" else ROOT / "data" / "seeds"])
    line_index.current(engine, build_now=True)
    return engine


@pytest.fixture
def engine_settings(request, tmp_path) -> Settings:
    """Settings (not an open engine) for tests that run the CLI in another process."""
    kind = getattr(request, "param", "embedded")
    if kind == "neo4j":
        return require_neo4j()
    return Settings(engine="embedded", db_path=tmp_path / "graph.lbdb")


def snapshot(engine) -> tuple[list, list]:
    """Every node and relationship with all properties, sorted: two graphs are equal iff these are."""
    from orggraph.schema import NODES, RELS
    nodes, rels = [], []
    for node in NODES:
        cols = ", ".join(f"n.{p.name} AS {p.name}" for p in node.all_props)
        nodes += [(node.label, sorted(r.items(), key=str))
                  for r in engine.read(f"MATCH (n:{node.label}) RETURN {cols}")]
    for rel in RELS:
        cols = ", ".join(f"r.{p.name} AS {p.name}" for p in rel.all_props)
        rels += [(rel.name, sorted(r.items(), key=str))
                 for r in engine.read(f"MATCH (a)-[r:{rel.name}]->(b) RETURN a.id AS a, b.id AS b, {cols}")]
    return sorted(nodes, key=str), sorted(rels, key=str)


def wait_ready(base: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until the `orggraph serve` process `proc` answers /readyz with 200."""
    import httpx
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, f"the server exited early:\n{proc.stdout.read() if proc.stdout else ''}"
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.2)
