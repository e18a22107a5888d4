"""Per-request context: the shared engine behind a gate, and this request's dataloaders.

One engine serves the whole process (the embedded database allows one
process, one connection). `Gate` runs every engine call in a thread (THREADS) so
the event loop never blocks, and serialises calls on engines that need it.
A `Context` is made per request, so dataloader caches never outlive it.

The as-of date travels on the objects, not in the context: every node object
carries the date of the root field it came from (a `Private` field), so two
root fields with different `asOf` in one request do not disturb each other.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Hashable, TypeVar

from strawberry.dataloader import DataLoader

from orggraph.engine.base import Engine, Row, Tx
from orggraph.queries.traversals import answers_from_memory

from .auth import ANONYMOUS, Principal

if TYPE_CHECKING:
    from .audit import AuditLog

T = TypeVar("T")

# Engine calls run in these threads, as many at once as Starlette's threadpool allowed (anyio's
# default limiter), shared by every gate of the process as that threadpool was. Handing a call to
# an executor directly costs less than anyio's run_sync (limiter, cancel scope, context copy),
# ~0.05 ms of every request; engine calls need no context variables (the deadline is the gate's).
THREADS = ThreadPoolExecutor(40, thread_name_prefix="orggraph-engine")


class Gate:
    """The one engine of the process; every call goes through here.

    `until(deadline)` gives a view of the gate for one request whose reads stop at the
    deadline (time.monotonic()): the engine sends each statement with the time left and
    the database stops it when that runs out (Engine.time_limit). Writes have no deadline.
    """

    deadline: float | None = None

    def __init__(self, engine: Engine):
        self.engine = engine
        # LadybugDB runs one statement per connection at a time; Neo4j's driver is thread-safe.
        self._lock = threading.Lock() if engine.dialect == "ladybug" else None
        # Writes validate against the graph inside their transaction; one write at a time per
        # process means two mutations never validate against the same state (see docs/API.md).
        self._write_lock = threading.Lock()

    def until(self, deadline: float | None) -> "Gate":
        view = object.__new__(Gate)  # shares the engine and the locks (copy.copy, without its cost)
        view.__dict__.update(self.__dict__)
        view.deadline = deadline
        return view

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._lock is None:
            return fn(*args, **kwargs)
        with self._lock:
            return fn(*args, **kwargs)

    def _read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.engine.time_limit(self.deadline):
            return self._call(fn, *args, **kwargs)

    async def in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in one of the engine threads, so the event loop never blocks."""
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(THREADS, call)

    async def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        return await self.in_thread(self._read, self.engine.read, cypher, params or {})

    async def query(self, name: str, **params: Any) -> list[Row]:
        # An answer from the in-memory line index takes microseconds, less than the hop to a
        # worker thread and back (~0.3 ms): run it here, unless another call holds the engine.
        if answers_from_memory(self.engine, name) and self._try_lock():
            try:
                # asked again with the engine held: a write that ended in between would make the
                # index catch up here, on the event loop
                if answers_from_memory(self.engine, name):
                    return self.engine.query(name, **params)
            finally:
                self._unlock()
        return await self.in_thread(self._read, self.engine.query, name, **params)

    def _try_lock(self) -> bool:
        return self._lock is None or self._lock.acquire(blocking=False)

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()

    async def write(self, work: Callable[[Tx], T]) -> T:
        """Run `work(tx)` in one write transaction (committed when this returns)."""
        return await self.in_thread(self._write, work)

    def _write(self, work: Callable[[Tx], T]) -> T:
        with self._write_lock:
            return self._call(self.engine.write, work)

    def ping(self) -> None:
        """A trivial read, for readiness checks (blocking; call it in a thread)."""
        self._call(self.engine.read, "RETURN 1 AS ok")


@dataclass
class Context:
    gate: Gate
    today: dt.date = field(default_factory=dt.date.today)
    principal: Principal = ANONYMOUS
    audit: "AuditLog | None" = None
    _loaders: dict[Hashable, DataLoader] = field(default_factory=dict)

    def loader(self, key: Hashable, make: Callable[[], DataLoader]) -> DataLoader:
        """This request's dataloader for `key`, made on first use."""
        if key not in self._loaders:
            self._loaders[key] = make()
        return self._loaders[key]

    def as_of(self, given: dt.date | None) -> dt.date:
        return given or self.today
