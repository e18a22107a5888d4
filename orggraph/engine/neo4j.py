"""Neo4j 5.26 through the official driver: managed transactions, database always named."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import neo4j
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired, TransientError

from orggraph.collation import KEY_VERSION
from orggraph.errors import DatabaseUnavailable, QueryTimeout
from orggraph.schema import ddl
from orggraph.schema.model import DERIVED, FOLDED_NAME, SORT_KEY, derived

from .base import Engine, Row, T, normalise_row


READ_ATTEMPTS = 3
#: how long a write transaction is retried on transient failures (the driver's default is 30 s):
#: long enough for a deadlock retry or a leader switch, short enough that a client whose server
#: is down hears so (503) in seconds instead of a minute
WRITE_RETRY_SECONDS = 5.0


# Every write transaction begins by creating the one node of this label and ends by deleting
# it. The uniqueness constraint makes a second transaction's CREATE wait until the first
# commits or rolls back, so writers from any number of processes run one after another: each
# validates against, and computes stale facts from, the graph the previous one committed
# (Neo4j reads are read-committed; without this, two loads interleave into a mixed graph).
# The node is never committed, so no reader ever sees it.
# The constraint is among the schema's statements (schema/ddl.py).
LOCK_LABEL = ddl.WRITE_LOCK_LABEL
TAKE_LOCK = f"CREATE (:{LOCK_LABEL} {{name: $name}})"
DROP_LOCK = f"MATCH (l:{LOCK_LABEL} {{name: $name}}) DELETE l"
LOCK_NAME = "graph"

# Nodes without the keys this engine keeps (schema.model.DERIVED), or with keys another version
# of the key functions made (collation.KEY_VERSION): written before the keys were kept, by another
# client, or by an older orggraph. Every write through orggraph sets both.
UNKEYED = (f"MATCH (n:Entity) WHERE n.{SORT_KEY} IS NULL OR NOT n.{SORT_KEY} STARTS WITH $version "
           "RETURN n.id AS id, coalesce(n.name, n.title) AS name LIMIT $batch")
SET_KEYS = "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n += row.keys"
# Every node's keys, for `rekey` (one record: the driver takes ~30 µs a record)
EVERY_KEY = (f"MATCH (n:Entity) RETURN collect([n.id, coalesce(n.name, n.title), n.{FOLDED_NAME}, "
             f"n.{SORT_KEY}]) AS rows")
KEY_BATCH = 10_000


# Values the driver hands over as they are: checked by exact type, since `_plain` runs for every
# value of a result (a list of 49 000 rows spent longer here than in the driver).
_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is list:
        return [v if type(v) in _AS_IS else _plain(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _AS_IS else _plain(v) for k, v in value.items()}
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.to_native()
    if isinstance(value, neo4j.graph.Node):
        props = _plain(dict(value))
        for name in DERIVED:  # the engine's own: not part of the node (schema.model)
            props.pop(name, None)
        return {"type": [l for l in value.labels if l != "Entity"][0], **props}
    if isinstance(value, dict):  # subclasses, the slow way
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(result: neo4j.Result) -> list[Row]:
    return [normalise_row({k: _plain(v) for k, v in rec.items()}) for rec in result]


def _collect(match: str, columns: list[str]) -> str:
    """`match` returning its rows as one list: the driver builds a record per row, which costs
    2.5x more (51 000 relationships with their properties: 1.5-1.8 s as rows, 0.6 s as one list)."""
    return f"{match} RETURN collect([{', '.join(columns)}]) AS rows"


def _collected(rows: list[Row]) -> list[tuple]:
    (row,) = rows
    return [tuple(values) for values in row["rows"]]


class _Tx:
    def __init__(self, tx: neo4j.ManagedTransaction, engine: "Neo4jEngine"):
        self._tx, self._engine = tx, engine

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        self._engine.round_trips += 1
        return _rows(self._tx.run(cypher, params or {}))

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows of `match RETURN columns` as plain tuples in column order (as one list)."""
        return _collected(self.run(_collect(match, columns), params))

    def touched(self, ids: Iterable[str]) -> None:
        """Nothing caches on a Neo4j server's writes (it has other clients): nothing to record."""


class Neo4jEngine(Engine):
    dialect = "neo4j"
    extra_labels = ("Entity",)
    stores_keys = True

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j"):
        self.uri, self.database = uri, database
        self._sessions = 0  # open in any thread; `close` waits for them
        self._idle = threading.Condition()
        # Schema-less warnings (a property no node has yet) are expected here, not news.
        self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                  notifications_min_severity="OFF",
                                                  max_transaction_retry_time=WRITE_RETRY_SECONDS)
        try:
            self._driver.verify_connectivity()
        except (ServiceUnavailable, OSError) as exc:
            self._driver.close()
            raise DatabaseUnavailable(
                f"cannot reach Neo4j at {uri}: {exc}. Start one with `scripts/neo4j.sh start` "
                "or set NEO4J_URI.") from None
        except AuthError as exc:
            self._driver.close()
            raise DatabaseUnavailable(f"Neo4j at {uri} refused the credentials (NEO4J_USER/"
                                      f"NEO4J_PASSWORD): {exc.message}") from None

    def describe(self) -> str:
        return f"Neo4j at {self.uri} (database {self.database})"

    def ensure_schema(self) -> None:
        # Each schema statement is a round trip that takes the schema lock (~12 ms, ~1 s for all
        # of them, at every command's start): only those whose index or constraint is missing run.
        have = {row["name"] for show in ("INDEXES", "CONSTRAINTS")
                for row in self.read(f"SHOW {show} YIELD name RETURN name")}
        for statement in ddl.neo4j_statements():
            if ddl.neo4j_name(statement) not in have:
                self._driver.execute_query(statement, database_=self.database)
        self._add_keys()

    def _add_keys(self, batch: int = 10_000) -> int:
        """Give every node the keys this engine keeps (to a graph from before they were kept);
        how many nodes got them."""
        if not self.read(UNKEYED, {"batch": 1, "version": KEY_VERSION}):  # usually: one look, no lock
            return 0

        def work(tx: _Tx) -> int:
            done = 0
            while rows := tx.run(UNKEYED, {"batch": batch, "version": KEY_VERSION}):
                tx.run(SET_KEYS, {"rows": [{"id": r["id"], "keys": derived(r["name"], r["id"])}
                                           for r in rows]})
                done += len(rows)
            return done
        return self.write(work)

    def rekey(self, start: Callable[[int], Callable[[int], None]] | None = None) -> tuple[int, int]:
        """Compare every node's keys with its name and write those that differ: a node renamed by
        another client keeps the keys of its old name, which `ensure_schema` cannot see. One
        transaction under the write lock; (nodes checked, nodes whose keys were written)."""
        def work(tx: _Tx) -> tuple[int, int]:
            rows = tx.run(EVERY_KEY)[0]["rows"]
            advance = start(len(rows)) if start else (lambda n: None)
            stale = []
            for at in range(0, len(rows), KEY_BATCH):
                batch = rows[at:at + KEY_BATCH]
                for node_id, name, folded, key in batch:
                    keys = derived(name, node_id)
                    if keys[FOLDED_NAME] != folded or keys[SORT_KEY] != key:
                        stale.append({"id": node_id, "keys": keys})
                advance(len(batch))
            for at in range(0, len(stale), KEY_BATCH):
                tx.run(SET_KEYS, {"rows": stale[at:at + KEY_BATCH]})
            return len(rows), len(stale)
        return self.write(work)

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        """As one list (`_collect`)."""
        return _collected(self.read(_collect(match, columns), params))

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        # One auto-commit statement: RUN and PULL go in one network round trip, where a managed
        # transaction adds BEGIN and COMMIT (half the latency of a short query, see
        # docs/BENCHMARKS.md). A read is safe to repeat, so transient failures are retried here.
        for attempt in range(READ_ATTEMPTS):
            left = self.time_left()
            self.round_trips += 1
            # With a limit, the server's transaction timeout stops the statement itself.
            statement = cypher if left is None else neo4j.Query(cypher, timeout=left)
            try:
                with self._session(default_access_mode=neo4j.READ_ACCESS) as session:
                    return _rows(session.run(statement, params or {}))
            except ClientError as exc:
                if exc.code and "TransactionTimedOut" in exc.code:
                    raise QueryTimeout(f"Neo4j stopped the statement at the time limit ({left:.3g} s)") from None
                raise
            except (TransientError, SessionExpired, ServiceUnavailable) as exc:
                if attempt + 1 == READ_ATTEMPTS or (isinstance(exc, TransientError)
                                                    and not exc.is_retryable()):
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def write(self, work: Callable[[Any], T]) -> T:
        self.generation += 1  # other clients write too: nothing here caches on it
        try:
            with self._session() as session:
                return session.execute_write(self._locked, work)
        finally:
            self.generation += 1

    def _locked(self, tx: neo4j.ManagedTransaction, work: Callable[[Any], T]) -> T:
        tx.run(TAKE_LOCK, name=LOCK_NAME).consume()  # waits while another writer holds it
        result = work(_Tx(tx, self))
        tx.run(DROP_LOCK, name=LOCK_NAME).consume()
        return result

    def label_of(self, var: str) -> str:
        return f"[l IN labels({var}) WHERE l <> '{self.extra_labels[0]}'][0]"

    def typed(self, expr: str, type_name: str) -> str:
        return expr  # Neo4j keeps the driver's Python types as they are

    @contextmanager
    def _session(self, **config: Any) -> Iterator[neo4j.Session]:
        with self._idle:
            self._sessions += 1
        try:
            with self._driver.session(database=self.database, **config) as session:
                yield session
        finally:
            with self._idle:
                self._sessions -= 1
                self._idle.notify_all()

    def close(self) -> None:
        # The driver closes connections that another thread is using, which breaks that thread's
        # call (BufferError in the driver's buffers): let sessions still open end first.
        with self._idle:
            self._idle.wait_for(lambda: self._sessions == 0, timeout=self.CLOSE_WAIT)
        self._driver.close()
