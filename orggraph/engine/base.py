"""The boundary between orggraph and a graph database.

An `Engine` is deliberately small: open, ensure the schema, read, run work
in one write transaction, close. Everything engine-specific (connection,
transactions, result values, DDL, the few dialect differences in generated
statements) lives in one module per engine.
"""
from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol, TypeVar

from orggraph.errors import QueryTimeout

T = TypeVar("T")
Row = dict[str, Any]


class Tx(Protocol):
    """An open transaction: run statements; the engine commits or rolls back."""

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]: ...

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows of `match RETURN columns` as plain tuples in column order (no dict per row),
        for reading many rows."""

    def touched(self, ids: Iterable[str]) -> None:
        """Declare ids whose node or relationships this transaction may change (see Engine.touched_since)."""


class Engine(ABC):
    #: which per-engine query override folder applies ("neo4j" or "ladybug")
    dialect: str
    #: counts statements sent to the database; tests use it to find N+1 patterns
    round_trips: int = 0
    #: bumped when a write transaction begins and ends; a cache built from reads (the
    #: line index in orggraph.queries.line_index) is valid while this is unchanged
    generation: int = 0
    #: how many writes `touched_since` remembers
    WRITES_KEPT = 64
    #: how long `close` waits for a statement still running in another thread: a request whose
    #: answer was given up (a sibling field failed, the client left) leaves its statement running,
    #: and closing the connection under it breaks the driver (or LadybugDB) mid-call
    CLOSE_WAIT = 10.0

    def _wrote(self, before: int, touched: Optional[frozenset[str]]) -> None:
        """Record a write that ran from generation `before` to the current one. `touched`: the ids
        it declared (Tx.touched) if it committed and declared, none if it rolled back; None when
        anything may have changed."""
        log = self.__dict__.setdefault("_writes", {})
        log[before] = (self.generation, touched)
        while len(log) > self.WRITES_KEPT:
            del log[next(iter(log))]

    def quiet(self) -> Any:
        """A context in which no write of this process runs, so `generation` holds still: for
        a cache that records or catches up to it from another thread (the line index's build
        behind a server). Engines whose writes can run beside it (Neo4j) return no lock."""
        return nullcontext()

    def touched_since(self, generation: int) -> Optional[set[str]]:
        """Every id the writes since `generation` declared they touched (a rolled-back one touched
        none); None when one committed without declaring, or is too long ago to remember."""
        log = self.__dict__.get("_writes", {})
        ids: set[str] = set()
        while generation != self.generation:
            if generation not in log:
                return None
            generation, touched = log[generation]
            if touched is None:
                return None
            ids |= touched
        return ids

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints, indexes or tables; harmless to repeat."""

    def rekey(self, start: Callable[[int], Callable[[int], None]] | None = None) -> tuple[int, int]:
        """Write again the keys this engine keeps on nodes (`stores_keys`) where they no longer
        match the node's name; (nodes checked, nodes rewritten). `start(total)` gives a progress
        callback. An engine that keeps none has nothing to check."""
        return 0, 0

    @abstractmethod
    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run one read-only statement and return its rows as plain Python values."""

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows of `match RETURN columns` as plain tuples in column order, for reading many
        rows (engines override it with their cheapest way)."""
        names = [f"c{i}" for i in range(len(columns))]
        rows = self.read(f"{match} RETURN " + ", ".join(f"{c} AS {n}" for c, n in zip(columns, names)), params)
        return [tuple(row[n] for n in names) for row in rows]

    def label_of(self, var: str) -> str:
        """A Cypher expression for the schema label of node `var` (LadybugDB: its table)."""
        return f"label({var})"

    @abstractmethod
    def write(self, work: Callable[[Tx], T]) -> T:
        """Run `work` in one transaction: all of it commits or none of it does."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def typed(self, expr: str, type_name: str) -> str:
        """Wrap a parameter expression so the engine stores it with the schema's type."""

    #: labels added to every node besides its own (Neo4j uses one for a global id index)
    extra_labels: tuple[str, ...] = ()
    #: whether nodes keep a folded name for search and a sort key for lists (schema.model.DERIVED)
    stores_keys: bool = False

    _limits = threading.local()

    @contextmanager
    def time_limit(self, deadline: float | None) -> Iterator[None]:
        """Reads in this thread stop at `deadline` (time.monotonic()): each is sent with the time
        left, and the database stops the statement when it runs out (QueryTimeout)."""
        before = getattr(self._limits, "deadline", None)
        self._limits.deadline = deadline
        try:
            yield
        finally:
            self._limits.deadline = before

    def time_left(self) -> float | None:
        """Seconds left for a read in this thread (None: no limit); QueryTimeout if none are."""
        deadline = getattr(self._limits, "deadline", None)
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout("the time limit ran out before the next statement could start")
        return left

    def query(self, name: str, **params: Any) -> list[Row]:
        """Run a named query (see orggraph.queries) with checked parameters."""
        from orggraph.queries import get_query
        return get_query(name).execute(self, params)

    def describe(self) -> str:
        return self.dialect

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def plain_type(value: Any) -> str:
    """One type name from a labels() value, which is a list on Neo4j and a string on LadybugDB."""
    if isinstance(value, (list, tuple)):
        return next((v for v in value if v != "Entity"), "")
    return value


def normalise_row(row: Row) -> Row:
    for key, value in row.items():
        if key == "type" or key.endswith("_type"):
            row[key] = plain_type(value)
    return row

