"""A read under a time limit is stopped by the database itself, on both engines, and the
connection is free for the next statement at once."""
from __future__ import annotations

import time

import pytest

from orggraph.errors import QueryTimeout

PAIRS = "MATCH (a:Service) MATCH (b:Service) WHERE a.name < b.name RETURN count(*) AS pairs"


def _services(engine, count: int) -> None:
    rows = [{"id": f"svc-{i}", "name": f"tjeneste {i:05d}"} for i in range(count)]
    labels = "".join(f":{label}" for label in ("Service", *engine.extra_labels))
    engine.write(lambda tx: tx.run(f"UNWIND $rows AS row CREATE (s{labels} {{id: row.id, name: row.name}})",
                                   {"rows": rows}))


def test_the_database_stops_a_statement_at_the_deadline(engine):
    _services(engine, 20000)  # 200 million pairs: many seconds on either engine
    started = time.monotonic()
    with engine.time_limit(time.monotonic() + 0.3):
        with pytest.raises(QueryTimeout, match="stopped the statement at the time limit"):
            engine.read(PAIRS)
    stopped_after = time.monotonic() - started
    # The next statement runs at once: nothing is left running on the connection or server.
    assert engine.read("MATCH (s:Service) RETURN count(s) AS n") == [{"n": 20000}]
    if engine.dialect == "neo4j":
        running = engine.read("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
        assert [r for r in running if "a.name < b.name" in (r["currentQuery"] or "")] == []
    print(f"{engine.dialect}: stopped after {stopped_after:.2f} s")


def test_no_statement_starts_after_the_deadline(engine):
    before = engine.round_trips
    with engine.time_limit(time.monotonic() - 1):
        with pytest.raises(QueryTimeout, match="ran out before the next statement"):
            engine.query("municipalities")
    with engine.time_limit(None):
        assert engine.read("RETURN 1 AS one") == [{"one": 1}]
    assert engine.round_trips == before + 1
