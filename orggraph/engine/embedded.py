"""LadybugDB, embedded in this process: the zero-setup default.

The database file allows one writing process at a time. We take an advisory
lock beside it first, recording who holds it, so that a second process gets
a message naming the holder instead of a low-level I/O error.
"""
from __future__ import annotations

import csv
import fcntl
import io
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import ladybug

from orggraph.errors import DatabaseBusy, OrggraphError, QueryTimeout
from orggraph.schema import ddl

from .base import Engine, Row, T, normalise_row
from orggraph.schema.ddl import LADYBUG_TYPES


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        if "_LABEL" in value:  # a node or relationship value
            out = {"type": value["_LABEL"]}
            # absent properties are left out, as Neo4j does
            out.update({k: _plain(v) for k, v in value.items()
                        if not k.startswith("_") and v is not None})
            return out
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Lock:
    """An exclusive advisory lock on `<db>.lock` that says which process holds it."""

    def __init__(self, db_path: Path):
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._fd, 4096, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(self._fd)
            raise DatabaseBusy(
                f"the embedded database {db_path} is held by {holder}. "
                "LadybugDB allows one process at a time: stop that process and try again, "
                "or point ORGGRAPH_DB at another database.") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"pid {os.getpid()}: {' '.join(sys.argv)}".encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


class _Tx:
    def __init__(self, engine: "EmbeddedEngine"):
        self._engine = engine
        self._folder: tempfile.TemporaryDirectory | None = None
        #: the ids the work declared it touched; None until it declares any (then it must declare all)
        self.declared: set[str] | None = None

    def touched(self, ids: Iterable[str]) -> None:
        """Declare that this transaction may change these nodes or relationships incident to them.
        A write that declares promises its declared ids cover every change it makes; then the line
        index is refreshed for just those ids after it commits (queries/line_index.py)."""
        if self.declared is None:
            self.declared = set()
        self.declared.update(ids)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        return self._engine._execute(cypher, params)

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows of `match RETURN columns` as plain tuples in column order: for reading a whole
        table, no dict per row."""
        return self._engine.read_tuples(f"{match} RETURN {', '.join(columns)}", params)

    def copy(self, table: str, columns: list[str], rows: list[tuple], ends: tuple[str, str] | None = None) -> int:
        """Bulk-insert rows with LadybugDB's COPY FROM a CSV file, inside this transaction.

        Rows are lists of cells in `columns` order (a relationship's first two are its ends' ids);
        None is written as an empty cell, which COPY reads as null, so an empty string would become
        null too: callers send such rows through `run`. COPY into a table that already has rows
        works, and a failure (a duplicate id, a missing end) rolls the whole transaction back."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="orggraph-copy-")
        path = Path(self._folder.name) / f"{table}-{len(os.listdir(self._folder.name))}.csv"
        # The csv module writes None as an empty cell and a date as str(date), its ISO form (the
        # schema has no datetimes), so rows go out as they are, at C speed. It quotes a value
        # holding a character of the line terminator: with "\r\n" a bare carriage return too,
        # which unquoted COPY would read as the end of a row.
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        text = buffer.getvalue()
        # One line per row plus the header unless some value holds a line break.
        lines = len(rows) + 1
        multiline = text.count("\n") != lines or text.count("\r") != lines
        path.write_text(text, encoding="utf-8", newline="")
        # COPY takes no parameters: the table comes from the schema and the path is our own temporary file
        if "'" in str(path) or not table.isidentifier():
            raise OrggraphError(f"cannot COPY into {table!r} from {path}")
        # csv.writer's dialect (comma, double quote, a quote doubled inside one), stated: LadybugDB
        # otherwise guesses it from the first rows and, when none is quoted, reads later quoted
        # cells literally. An empty unquoted cell still reads as null.
        options = ["HEADER=true", "AUTO_DETECT=false", "DELIM=','", "QUOTE='\"'", "ESCAPE='\"'"]
        if multiline:  # LadybugDB's parallel CSV reader rejects quoted newlines
            options.append("PARALLEL=false")
        if ends:
            options += [f"from='{ends[0]}'", f"to='{ends[1]}'"]
        try:
            done = self._engine._execute(f"COPY {table} FROM '{path}' ({', '.join(options)})")
        except RuntimeError as exc:  # LadybugDB's words, said with what was being written
            what = ("an endpoint is missing in the database" if "Unable to find primary key" in str(exc)
                    else "the bulk write failed")
            raise OrggraphError(f"{table}: {what} ({exc}); nothing was written") from None
        finally:
            path.unlink()
        message = str(next(iter(done[0].values()))) if done else ""
        copied = int(message.split()[0]) if message[:1].isdigit() else -1
        if copied != len(rows):
            raise OrggraphError(f"COPY into {table}: wrote {copied} of {len(rows)} rows ({message})")
        return copied

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


class EmbeddedEngine(Engine):
    dialect = "ladybug"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _Lock(self.path)
        try:
            self._db = ladybug.Database(str(self.path))
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            self._lock.release()
            raise OrggraphError(f"cannot open the embedded database {self.path}: {exc}") from None
        # One connection serves the process; LadybugDB runs one statement on it at a time.
        self._mutex = threading.RLock()
        # connections of reading_beside, each with the lock its statement holds
        self._beside: dict[Any, threading.Lock] = {}

    def describe(self) -> str:
        return f"embedded LadybugDB at {self.path}"

    @property
    def closed(self) -> bool:
        return self._conn is None

    def _execute(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        self.round_trips += 1
        with self._mutex:
            result = self._conn.execute(cypher, params or {})
            columns = result.get_column_names()
            rows = []
            while result.has_next():
                rows.append(normalise_row(dict(zip(columns, map(_plain, result.get_next())))))
            return rows

    def _limited(self, cypher: str, params: dict[str, Any] | None) -> list[Row]:
        """A read under this thread's time limit: LadybugDB interrupts the statement itself."""
        with self._mutex:  # the timeout is a setting of the one connection
            left = self.time_left()
            if left is None:
                return self._execute(cypher, params)
            self._conn.set_query_timeout(max(1, int(left * 1000)))
            try:
                return self._execute(cypher, params)
            except RuntimeError as exc:
                if "Interrupted" in str(exc):
                    raise QueryTimeout(f"LadybugDB stopped the statement at the time limit ({left:.3g} s)") from None
                raise
            finally:
                self._conn.set_query_timeout(0)

    def ensure_schema(self) -> None:
        for statement in ddl.ladybug_statements():
            self._execute(statement)
        # CREATE ... IF NOT EXISTS leaves an older table as it was: add the columns it lacks.
        from orggraph.schema import NODES, RELS
        for table in [n.label for n in NODES] + [r.name for r in RELS]:
            # table names come from the schema; CALL takes no parameters
            info = self._execute(f"CALL table_info('{table}') RETURN *")
            for statement in ddl.ladybug_missing_columns(table, {row["name"] for row in info}):
                self._execute(statement)
        for rel in RELS:  # ... and the FROM/TO pairs an older relationship table lacks
            pairs = self._execute(f"CALL show_connection('{rel.name}') RETURN *")
            existing = {(row["source table name"], row["destination table name"]) for row in pairs}
            for statement in ddl.ladybug_missing_pairs(rel.name, existing):
                self._execute(statement)

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        return self._limited(cypher, params)

    def write(self, work: Callable[[Any], T]) -> T:
        with self._mutex:
            before = self.generation
            self.generation += 1
            touched = None  # what a committed write declared (Tx.touched); None: anything may have changed
            try:
                self._execute("BEGIN TRANSACTION")
                tx = _Tx(self)
                try:
                    result = work(tx)
                except BaseException:
                    self._rollback()
                    touched = frozenset()  # rolled back: the graph is as it was
                    raise
                finally:
                    tx.close()
                self._execute("COMMIT")
                touched = None if tx.declared is None else frozenset(tx.declared)
                return result
            finally:
                self.generation += 1
                self._wrote(before, touched)

    #: rows converted per call (each call holds the GIL: ~100 ms for a national table at once)
    SLICE = 10_000

    def tuples(self, match: str, columns: list[str], params: dict[str, Any] | None = None) -> list[tuple]:
        return self.read_tuples(f"{match} RETURN {', '.join(columns)}", params)

    def read_tuples(self, cypher: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """Rows as plain tuples in column order, for bulk reads (no per-row dicts)."""
        with self._mutex:
            return self._tuples(self._conn, cypher, params)

    def _tuples(self, conn: Any, cypher: str, params: dict[str, Any] | None) -> list[tuple]:
        self.round_trips += 1
        result, rows = conn.execute(cypher, params or {}), []
        while result.has_next():  # in slices: get_all holds the GIL for a whole table
            rows += map(tuple, result.get_n(self.SLICE))
        return rows

    def quiet(self) -> threading.RLock:
        return self._mutex  # every statement and write of the one connection holds it

    @contextmanager
    def reading_beside(self) -> Iterator[Callable[..., list[tuple]]]:
        """`read_tuples` on a connection of its own, for long reads from another thread: they run
        beside this engine's statements and writes instead of holding them up (each LadybugDB
        statement reads the last committed state; a write commits while it reads). The line
        index's build behind a server reads whole tables with it. `close` interrupts a read
        still running on it."""
        with self._mutex:
            if self._conn is None:
                raise OrggraphError(f"the embedded database {self.path} is closed")
            conn, busy = ladybug.Connection(self._db), threading.Lock()
            self._beside[conn] = busy

        def read(cypher: str, params: dict[str, Any] | None = None) -> list[tuple]:
            with busy:
                if conn not in self._beside:
                    raise OrggraphError(f"the embedded database {self.path} is closed")
                return self._tuples(conn, cypher, params)
        try:
            yield read
        finally:
            with self._mutex:
                if self._beside.pop(conn, None) is not None:
                    with busy:
                        conn.close()

    def _rollback(self) -> None:
        try:
            self._execute("ROLLBACK")
        except RuntimeError:
            pass  # LadybugDB already rolled back the transaction when a statement failed

    def typed(self, expr: str, type_name: str) -> str:
        # A column of nulls in an UNWIND batch is inferred as STRING; say what it is.
        return f"CAST({expr} AS {LADYBUG_TYPES[type_name]})"

    def close(self) -> None:
        held = self._mutex.acquire(timeout=self.CLOSE_WAIT)  # after a statement still running
        try:
            for conn, busy in list(getattr(self, "_beside", {}).items()):
                conn.interrupt()  # a long read beside: stop it, then close its connection
                if busy.acquire(timeout=self.CLOSE_WAIT):
                    conn.close()
                    busy.release()
                del self._beside[conn]
            if getattr(self, "_conn", None) is not None:
                self._conn.close()
                self._db.close()
                self._conn = None
            self._lock.release()
        finally:
            if held:
                self._mutex.release()
