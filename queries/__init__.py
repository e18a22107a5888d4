"""Named queries: `NAME.cypher` files shared by both engines.

The shared file is openCypher as Neo4j runs it. Every Neo4j node also carries
the label `Entity`, whose unique index makes `(n:Entity {id: $id})` the fast
way to find a node of any type. A file in `ladybug/` (or `neo4j/`) with the
same name overrides the shared one for that engine, only where the dialects
differ: LadybugDB has one label per node, no type(), and no parameters inside
all(...) list predicates. The header declares the query:

    // One line that says what it answers.
    // @param id string  what the parameter is
    // @param as_of date = today  dates are ISO 8601; `today` is evaluated per call
    // @order depth, name  rows are sorted here, strings in Norwegian order (æ, ø, å after z)

Columns named `type` or ending in `_type` hold a node type: Neo4j's labels()
list and LadybugDB's label string are both returned as one name.
Composite queries that repeat a one-hop query (breadth-first traversals) are
registered from `traversals.py` and look the same to callers. A traversal with
the name of a `.cypher` file stands in front of it: it keeps that file's header
and may still run its text (see `traversals.STRATEGY`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Callable

from orggraph.collation import sort_key
from orggraph.dates import iso_date
from orggraph.errors import QueryError

from .line_index import question

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

PARAM_LINE = re.compile(r"^//\s*@param\s+(\w+)\s+(\w+)(?:\s*=\s*(\S+))?\s*(.*)$")
ORDER_LINE = re.compile(r"^//\s*@order\s+(.+)$")
TYPES = ("string", "int", "float", "date", "bool", "list")
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    doc: str

    def convert(self, raw: Any, query: str) -> Any:
        if raw is None:
            if self.default is None:
                raise QueryError(f"query {query!r} needs parameter {self.name!r} ({self.type}): {self.doc}")
            raw = dt.date.today() if self.default == "today" else self.default
            if self.default == "null":
                return None
        try:
            value = _convert(raw, self.type)
        except (TypeError, ValueError):
            raise QueryError(f"query {query!r}: parameter {self.name!r} must be {'an' if self.type == 'int' else 'a'} {self.type}, "
                             f"got {raw!r}") from None
        # every whole-number parameter is a count (first, depth, steps): the engines take 64 bits
        if self.type == "int" and not 0 <= value <= INT64_MAX:
            raise QueryError(f"query {query!r}: parameter {self.name!r} must be from 0 to {INT64_MAX}, "
                             f"got {raw!r}")
        return value


def _convert(raw: Any, type_name: str) -> Any:
    if type_name == "date":
        return raw if isinstance(raw, dt.date) else iso_date(str(raw))
    if type_name == "int":
        if isinstance(raw, bool):
            raise TypeError
        return int(raw)
    if type_name == "float":
        return float(raw)
    if type_name == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "yes", "1"):
            return True
        if str(raw).lower() in ("false", "no", "0"):
            return False
        raise ValueError
    if type_name == "list":
        return list(raw) if isinstance(raw, (list, tuple)) else [s for s in str(raw).split(",") if s]
    return str(raw)


@dataclass
class NamedQuery:
    name: str
    doc: str
    params: list[Param]
    texts: dict[str, str] = field(default_factory=dict)  # dialect or "common" → Cypher
    order: list[str] = field(default_factory=list)  # columns to sort the rows by
    runner: Callable[["Engine", dict[str, Any]], list["Row"]] | None = None

    def cypher(self, dialect: str) -> str:
        return self.texts.get(dialect) or self.texts["common"]

    def bind(self, raw: dict[str, Any]) -> dict[str, Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                             f"it takes: {', '.join(sorted(known)) or 'none'}")
        return {p.name: p.convert(raw.get(p.name), self.name) for p in self.params}

    def execute(self, engine: "Engine", raw: dict[str, Any]) -> list["Row"]:
        params = self.bind(raw)
        with question(engine):  # a traversal's steps are one question to the line index
            rows = self.runner(engine, params) if self.runner is not None \
                else engine.read(self.cypher(engine.dialect), params)
        for row in rows:  # collected lists come in engine order; give them reading order
            for key, value in row.items():
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    row[key] = sorted(value, key=sort_key)
        if self.order:  # engines sort by code point; readers expect Norwegian order
            rows.sort(key=lambda row: tuple(_order_key(row.get(c)) for c in self.order))
        return rows


def _order_key(value: Any) -> tuple:
    if isinstance(value, str) or value is None:
        return (1, sort_key(value))
    return (0, value)


def parse_header(name: str, text: str) -> tuple[str, list[Param], list[str]]:
    doc_lines, params, order = [], [], []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        ordered = ORDER_LINE.match(line)
        if ordered:
            order = [c.strip() for c in ordered.group(1).split(",")]
            continue
        match = PARAM_LINE.match(line)
        if match:
            pname, ptype, default, pdoc = match.groups()
            if ptype not in TYPES:
                raise QueryError(f"{name}.cypher: parameter {pname} has unknown type {ptype}")
            params.append(Param(pname, ptype, default, pdoc.strip()))
        else:
            doc_lines.append(line[2:].strip())
    return " ".join(d for d in doc_lines if d), params, order


def _load() -> dict[str, NamedQuery]:
    root = resources.files(__name__)
    found: dict[str, NamedQuery] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name[:-7]
            text = entry.read_text(encoding="utf-8")
            doc, params, order = parse_header(name, text)
            found[name] = NamedQuery(name, doc, params, {"common": text}, order)
    for dialect in ("neo4j", "ladybug"):
        folder = root / dialect
        for entry in folder.iterdir() if folder.is_dir() else ():
            if entry.name.endswith(".cypher"):
                name = entry.name[:-7]
                if name not in found:
                    raise QueryError(f"{dialect}/{entry.name} overrides no shared query {name}.cypher")
                found[name].texts[dialect] = entry.read_text(encoding="utf-8")
    from . import traversals, withdrawal
    for query in [*traversals.QUERIES, withdrawal.QUERY]:
        base = found.get(query.name)
        if base is not None:  # a traversal in front of a .cypher query keeps its header and text
            query.doc, query.params, query.order, query.texts = base.doc, base.params, base.order, base.texts
        found[query.name] = query
    return found


_REGISTRY: dict[str, NamedQuery] | None = None


def all_queries() -> dict[str, NamedQuery]:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _load()
    return _REGISTRY


def get_query(name: str) -> NamedQuery:
    queries = all_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]


def unknown_id(rows: list, ids: dict[str, str]) -> tuple[str, str] | None:
    """The first (parameter, id) of `ids` that the `nodes_by_id` query's `rows` for them do not
    name: an id no node has had on any date. The API and the CLI both say so rather than answer empty."""
    found = {row["id"] for row in rows}
    return next(((key, node_id) for key, node_id in ids.items() if node_id not in found), None)
