"""The audit trail: one JSON line per committed write, in an append-only file.

Where: `ORGGRAPH_AUDIT_LOG`, else beside the embedded database
(`<db>.audit.jsonl`), else `$XDG_DATA_HOME/orggraph/audit.jsonl`
(`~/.local/share/orggraph/audit.jsonl`). Each line:

    {"at": "2025-01-31T12:00:00.123456+00:00", "actor": "kari@kommune.no",
     "mutation": "endUnit", "ids": ["natt"], "input": {...}}

A line is appended only after the write's transaction committed, so the log
never mentions a write that did not happen. Editors read it through the
`auditLog` query field. See docs/API.md for why this is a file and not the graph.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, List, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from orggraph.engine.base import Engine

from .auth import require_editor
from .errors import BadInput

log = logging.getLogger("orggraph.api")
DEFAULT_FIRST, MAX_FIRST = 50, 1000


def default_path(engine: Engine | None = None) -> Path:
    env = os.environ.get("ORGGRAPH_AUDIT_LOG")
    if env:
        return Path(env).expanduser()
    db_path = getattr(engine, "path", None)  # the embedded engine's database
    if db_path is not None:
        return Path(db_path).with_name(Path(db_path).name + ".audit.jsonl")
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "orggraph" / "audit.jsonl"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class AuditLog:
    """Append-only JSON Lines; appends are locked (threads and processes) and fsynced."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, actor: str | None, mutation: str, ids: list[str], input: dict[str, Any],
               at: dt.datetime | None = None) -> dict[str, Any]:
        entry = {"at": (at or dt.datetime.now(dt.timezone.utc)).isoformat(), "actor": actor,
                 "mutation": mutation, "ids": list(ids), "input": _plain(input)}
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    os.write(fd, line.encode("utf-8"))
                    os.fsync(fd)
                finally:
                    os.close(fd)  # also drops the flock
        except OSError:
            # The write is committed; losing its audit line must not pass quietly.
            log.critical("could not append to the audit log %s; the committed write was: %s",
                         self.path, line.strip(), exc_info=True)
        return entry

    def entries(self, since: dt.datetime | None = None, actor: str | None = None,
                first: int = DEFAULT_FIRST) -> list[dict[str, Any]]:
        """Newest first, at most `first`, at or after `since`, by `actor` if given."""
        if not self.path.exists():
            return []
        found = []
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    at = dt.datetime.fromisoformat(entry["at"])
                except (ValueError, KeyError, TypeError):
                    log.warning("audit log %s line %d is not an audit entry; skipped", self.path, number)
                    continue
                if since is not None and at < since:
                    continue
                if actor is not None and entry.get("actor") != actor:
                    continue
                found.append((at, number, entry))
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [entry for _, _, entry in found[:first]]


@strawberry.type(description="One committed write: who, when, which mutation, the ids it touched "
                             "and its input as sent.")
class AuditEntry:
    at: dt.datetime = strawberry.field(description="when the transaction committed (UTC)")
    actor: Optional[str] = strawberry.field(description="the token's subject (sub)")
    mutation: str
    ids: List[str] = strawberry.field(description="ids of the nodes written or linked")
    input: JSON = strawberry.field(description="the mutation's input")


async def audit_log(info: Info, since: Optional[dt.datetime] = None, actor: Optional[str] = None,
                    first: int = DEFAULT_FIRST) -> Optional[List[AuditEntry]]:
    """Committed writes, newest first (editors only). `since` without a time zone means UTC."""
    require_editor(info.context.principal, "auditLog")
    if not 0 <= first <= MAX_FIRST:
        raise BadInput(f"first must be between 0 and {MAX_FIRST}, got {first}")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    audit: AuditLog | None = info.context.audit
    if audit is None:
        return []
    from starlette.concurrency import run_in_threadpool
    rows = await run_in_threadpool(audit.entries, since, actor, first)
    return [AuditEntry(at=dt.datetime.fromisoformat(r["at"]), actor=r.get("actor"),
                       mutation=r["mutation"], ids=r.get("ids", []), input=r.get("input"))
            for r in rows]
