"""What the mutations do, inside one write transaction: check with the loader's rules, then write.

Nothing here states a rule of its own about the data. A mutation's input becomes
the loader's items (`DocumentParser.node` / `.rel` convert every field and
check types, choices, ids and required fields), and `loader.validate.validate`
checks them together with the neighbouring facts the graph already holds:

* the nodes at both ends of a relationship (their type, period and date),
  looked up with the loader's `graph_lookup`, run inside the transaction;
* relationships of the same type between the same ends (stated twice?);
* for HOLDS, the post's other holders (overlapping periods?);
* for PART_OF and REPORTS_TO, everything reachable upward (a reporting cycle?);
* for a node whose period changes, its relationships (do both ends still exist
  on their relationship's start and end?).

Facts from the graph sit at the location "the database", the mutation's own
items at "input". Validation runs twice, without and with the change, and only
the problems the change introduces are reported: an old inconsistency in the
data never blocks an unrelated write. Writes use the loader's generated
statements (`upsert_statement`, `create_rel_statement`), and declare what they touch
(`tx.touched`: the node written, or both ends of the relationship; a node's relationships
that end with it are incident to it), so the line index is refreshed for just those ids.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Callable

from orggraph.engine.base import Engine, Row, Tx
from orggraph.loader.items import DocumentParser, NodeItem, Parsed, RelItem
from orggraph.loader.load import graph_lookup
from orggraph.loader.problems import Location, Problem
from orggraph.loader.stored import API, CYCLE_RELS, STORED, rel_columns, rel_item, sharing, stored_rels, upward
from orggraph.loader.validate import Held, Known, validate
from orggraph.loader.write import create_rel_statement, node_dict, upsert_statement
from orggraph.queries import get_query
from orggraph.schema import DATE, NODE_BY_LABEL, REL_BY_NAME, RELS, STRING, RelType

from .errors import InvalidWrite
from .loaders import nodes_by_id
from .naming import camel

DATASET = API
INPUT = Location("input")


class TxReader:
    """An engine-like view of an open transaction, so the loader's lookups read inside it."""

    def __init__(self, engine: Engine, tx: Tx):
        self.dialect, self._tx = engine.dialect, tx

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]:
        return self._tx.run(cypher, params or {})

    def query(self, name: str, **params: Any) -> list[Row]:
        return get_query(name).execute(self, params)  # type: ignore[arg-type]


def _cached(lookup: Callable[[list[str]], dict[str, Known]]) -> Callable[[list[str]], dict[str, Known]]:
    seen: dict[str, Known | None] = {}

    def cached(ids: list[str]) -> dict[str, Known]:
        missing = [i for i in ids if i not in seen]
        if missing:
            found = lookup(missing)
            seen.update({i: found.get(i) for i in missing})
        return {i: seen[i] for i in ids if seen[i] is not None}  # type: ignore[misc]
    return cached


# --- reading the neighbourhood --------------------------------------------------------------

def stored_nodes(reader: TxReader, ids: list[str]) -> dict[str, NodeItem]:
    """Whole nodes by id (any period), as loader items located in the database."""
    found = {}
    for cypher in nodes_by_id(reader.dialect):
        for row in reader.read(cypher, {"ids": ids}):
            node = dict(row["node"])
            label = node.pop("type")
            found[node["id"]] = NodeItem(label, node, STORED)
    return found


def rels_of(reader: TxReader, label: str, node_id: str) -> list[RelItem]:
    """Every relationship into or out of one node."""
    found = []
    for rel in RELS:
        if label in rel.sources:
            found += stored_rels(reader, rel, source=node_id)
        if label in rel.targets:
            found += [r for r in stored_rels(reader, rel, target=node_id) if r.source != r.target]
    return found


def _unique(rels: list[RelItem]) -> list[RelItem]:
    out: dict[tuple, RelItem] = {}
    for rel in rels:
        out.setdefault((rel.type, rel.source, rel.target, tuple(sorted(rel.props.items(), key=str))), rel)
    return list(out.values())


# --- checking -----------------------------------------------------------------------------------

def _path(field: str) -> str:
    parts = [camel(part) for part in field.split(".") if part]
    return ".".join(parts if parts[:1] == ["input"] else ["input", *parts])


def _report(problems: list[Problem], ends: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """(GraphQL field path, message) for each problem."""
    out = []
    for problem in problems:
        if problem.where != INPUT:  # a stored fact the change affects, e.g. an existing relationship
            out.append(("input", f"{problem.field}: {problem.message}" if problem.field else problem.message))
            continue
        path = _path(problem.field)
        if ends and path == "input":  # a reference problem: name the end it is about
            for name, node_id in zip(("input.from", "input.to"), ends):
                if problem.message.startswith((f"unknown id {node_id!r}", repr(node_id))):
                    path = name
                    break
        out.append((path, problem.message))
    return out


def check(before: Parsed, after: Parsed, reader: TxReader, ends: tuple[str, str] | None = None) -> None:
    """Raise InvalidWrite with the problems `after` has and `before` had not."""
    lookup = _cached(graph_lookup(reader))  # type: ignore[arg-type]
    written = {n.id for n in after.nodes}
    held = Held({}, {}, [], [], {}, sharing=[n for n in sharing(reader, after.nodes) if n.id not in written])
    old = set(validate(before, lookup, held=held))
    new = [p for p in validate(after, lookup, held=held) if p not in old]
    if new:
        raise InvalidWrite(_report(new, ends))


def _parser() -> DocumentParser:
    return DocumentParser(INPUT.file, DATASET, None)


def _node_item(label: str, fields: dict[str, Any]) -> tuple[NodeItem | None, list[Problem]]:
    parser = _parser()
    parser.node(NODE_BY_LABEL[label], fields, INPUT.line, "input")
    return (parser.out.nodes[0] if parser.out.nodes else None), parser.out.problems


def _rel_item_from_input(rel: RelType, source: str, target: str, fields: dict[str, Any]
                         ) -> tuple[RelItem, list[Problem]]:
    parser = _parser()
    parser.rel(rel, source, target, fields, INPUT.line, "input", {}, None)
    return parser.out.rels[0], parser.out.problems


def _node_row(label: str, props: dict[str, Any]) -> dict[str, Any]:
    return {p.name: props.get(p.name) for p in NODE_BY_LABEL[label].all_props}


def _stored_node(reader: TxReader, label: str, node_id: str) -> NodeItem:
    found = stored_nodes(reader, [node_id]).get(node_id)
    if found is None:
        raise InvalidWrite([("input.id", f"no {label} with id {node_id!r}")])
    if found.label != label:
        def a(word: str) -> str:
            return ("an " if word[0] in "AEIO" else "a ") + word
        raise InvalidWrite([("input.id", f"{node_id!r} is {a(found.label)}, not {a(label)}")])
    return found


def _editable(item: NodeItem) -> dict[str, Any]:
    return {k: v for k, v in item.props.items() if k != "dataset" and v is not None}


# --- the writes --------------------------------------------------------------------------------

def create_node(engine: Engine, label: str, fields: dict[str, Any], tx: Tx) -> dict[str, Any]:
    reader = TxReader(engine, tx)
    item, problems = _node_item(label, fields)
    existing = list(stored_nodes(reader, [fields["id"]]).values()) if fields.get("id") else []
    check(Parsed(nodes=existing), Parsed(nodes=existing + ([item] if item else []), problems=problems),
          reader)
    assert item is not None  # no item means the parser reported a problem
    row = _node_row(label, item.props)
    tx.touched([row["id"]])
    tx.run(upsert_statement(engine, label), {"rows": [node_dict(engine, label, row)]})
    return {"type": label, **row}


def update_node(engine: Engine, label: str, node_id: str, fields: dict[str, Any], tx: Tx
                ) -> dict[str, Any]:
    """Set the given fields (None clears one), keep the rest."""
    reader = TxReader(engine, tx)
    stored = _stored_node(reader, label, node_id)
    merged = _editable(stored)
    starts_on = NODE_BY_LABEL[label].starts_on
    if starts_on in fields and "valid_from" not in fields and merged.get("valid_from") == merged.get(starts_on):
        merged.pop("valid_from", None)  # it was derived from that date: derive it again
    for name, value in fields.items():
        if value is None:
            merged.pop(name, None)  # cleared: a required field is then reported missing
        else:
            merged[name] = value
    merged["id"] = node_id
    item, problems = _node_item(label, merged)
    period = ("valid_from", "valid_to", starts_on)
    rels = rels_of(reader, label, node_id) if any(name in fields for name in period if name) else []
    check(Parsed(nodes=[stored], rels=rels),
          Parsed(nodes=[item] if item else [], rels=rels, problems=problems), reader)
    assert item is not None
    row = _node_row(label, item.props)
    tx.touched([row["id"]])
    tx.run(upsert_statement(engine, label), {"rows": [node_dict(engine, label, row)]})
    return {"type": label, **row}


def _already_ended(what: str, valid_to: dt.date | None, correct: str) -> None:
    if valid_to is not None:
        raise InvalidWrite([("input.validTo", f"{what} already ended on {valid_to}; history is kept, "
                                              f"so an end is not moved ({correct})")])


def closing(engine: Engine) -> str:
    """The SET clause that ends relationship `r` on $end_day, citing $end_source. Its dataset stays: a
    dataset's relationship ended here is still the dataset's (a reload states it again as its file
    does), and only what the API itself wrote may be deleted (delete_rel)."""
    return f"SET r.valid_to = {engine.typed('$end_day', DATE)}, r.source = {engine.typed('$end_source', STRING)}"


def end_node(engine: Engine, label: str, node_id: str, valid_to: dt.date, source: str,
             cascade: bool, tx: Tx) -> tuple[dict[str, Any], list[RelItem]]:
    """Close a node's period on `valid_to` (its last day) and, with `cascade`, the periods of its
    relationships that are open on that day. Returns the node and the relationships ended."""
    reader = TxReader(engine, tx)
    stored = _stored_node(reader, label, node_id)
    _already_ended(f"{label} {node_id!r}", stored.props.get("valid_to"),
                   f"a wrong date is corrected with update{label}")
    item, problems = _node_item(label, {**_editable(stored), "valid_to": valid_to, "source": source})
    rels = rels_of(reader, label, node_id)
    ended = [r for r in rels if cascade and r.props.get("valid_to") is None
             and (r.props.get("valid_from") is None or r.props["valid_from"] <= valid_to)]
    closed = [replace(r, props={**r.props, "valid_to": valid_to, "source": source})
              for r in ended]
    kept = [r for r in rels if r not in ended]
    check(Parsed(nodes=[stored], rels=rels),
          Parsed(nodes=[item] if item else [], rels=kept + closed, problems=problems), reader)
    assert item is not None
    row = _node_row(label, item.props)
    tx.touched([row["id"]])
    tx.run(upsert_statement(engine, label), {"rows": [node_dict(engine, label, row)]})
    params = {"id": node_id, "end_day": valid_to, "end_source": source}
    sets = closing(engine)
    open_on_day = "r.valid_to IS NULL AND (r.valid_from IS NULL OR r.valid_from <= $end_day)"
    for rel_type in sorted({r.type for r in ended}):
        rel = REL_BY_NAME[rel_type]
        for arrow, applies in ((f"-[r:{rel_type}]->", label in rel.sources),
                               (f"<-[r:{rel_type}]-", label in rel.targets)):
            if applies:
                tx.run(f"MATCH (a:{label} {{id: $id}}){arrow}(b) WHERE {open_on_day} {sets}", params)
    return {"type": label, **row}, ended


def _labels(reader: TxReader, ids: list[str]) -> dict[str, NodeItem]:
    return stored_nodes(reader, sorted(set(ids)))


def add_rel(engine: Engine, rel_type: str, source: str, target: str, fields: dict[str, Any], tx: Tx
            ) -> dict[str, Any]:
    reader = TxReader(engine, tx)
    rel = REL_BY_NAME[rel_type]
    item, problems = _rel_item_from_input(rel, source, target, fields)
    ends = _labels(reader, [source, target])
    neighbours = stored_rels(reader, rel, source=source, target=target)
    if rel_type == "HOLDS":
        neighbours += stored_rels(reader, rel, target=target)
    if rel_type in CYCLE_RELS:
        neighbours += upward(reader, [target])
    neighbours = _unique(neighbours)
    nodes = list(ends.values())
    check(Parsed(nodes=nodes, rels=neighbours),
          Parsed(nodes=nodes, rels=neighbours + [item], problems=problems), reader, (source, target))
    row = {"source": source, "target": target,
           "p": {p.name: item.props.get(p.name) for p in rel.all_props}}
    statement = create_rel_statement(engine, rel_type, ends[source].label, ends[target].label)
    tx.touched([source, target])
    created = tx.run(statement, {"rows": [row]})[0]["created"]
    if created != 1:
        raise RuntimeError(f"{rel_type} {source} → {target}: created {created} relationships, not 1")
    return {**row["p"], "type": rel_type, "from_id": source, "to_id": target}


def _match_rel(rel_type: str, ends: dict[str, NodeItem], source: str, target: str,
               valid_from: dt.date | None) -> tuple[str, dict[str, Any]]:
    start = "r.valid_from = $valid_from" if valid_from is not None else "r.valid_from IS NULL"
    cypher = (f"MATCH (a:{ends[source].label} {{id: $source}})-[r:{rel_type}]->"
              f"(b:{ends[target].label} {{id: $target}}) WHERE {start}")
    params: dict[str, Any] = {"source": source, "target": target}
    if valid_from is not None:
        params["valid_from"] = valid_from
    return cypher, params


def _stored_rel(reader: TxReader, rel_type: str, source: str, target: str, valid_from: dt.date | None
                ) -> tuple[str, RelItem, dict[str, NodeItem], str, dict[str, Any]]:
    """(what it is called, the one stored relationship, its ends, its MATCH and parameters)."""
    rel = REL_BY_NAME[rel_type]
    ends = _labels(reader, [source, target])
    started = f"starting {valid_from}" if valid_from else "without a start date (validFrom empty)"
    what = f"{rel_type} {source} → {target} {started}"
    if source not in ends or target not in ends:
        raise InvalidWrite([("input", f"no {what}: "
                             + ", ".join(f"unknown id {i!r}" for i in (source, target) if i not in ends))])
    match, params = _match_rel(rel_type, ends, source, target, valid_from)
    found = [rel_item(rel, row) for row in reader.read(
        f"{match} RETURN a.id AS from_id, b.id AS to_id, {rel_columns(rel)}", params)]
    if not found:
        raise InvalidWrite([("input", f"no {what} in the database")])
    if len(found) > 1:
        raise InvalidWrite([("input", f"{what} is in the database {len(found)} times; "
                                      "correct them with the loader")])
    return what, found[0], ends, match, params


def delete_rel(engine: Engine, rel_type: str, source: str, target: str, valid_from: dt.date | None,
               tx: Tx) -> dict[str, Any]:
    """Remove a relationship written through the API by mistake (a wrong start, the wrong post).
    History is otherwise kept: one a dataset states is corrected in its file, and one that ended
    is ended, not deleted. Removing a relationship breaks none of the loader's rules."""
    reader = TxReader(engine, tx)
    what, stored, ends, match, params = _stored_rel(reader, rel_type, source, target, valid_from)
    dataset = stored.props.get("dataset")
    if dataset != DATASET:
        raise InvalidWrite([("input", f"{what} belongs to dataset {dataset!r}: correct it in that "
                                      "dataset's file and load it again (only what the API wrote is deleted here)")])
    tx.touched([source, target])
    tx.run(f"{match} DELETE r", params)
    return {**stored.props, "type": rel_type, "from_id": source, "to_id": target}


def end_rel(engine: Engine, rel_type: str, source: str, target: str, valid_from: dt.date | None,
            valid_to: dt.date, new_source: str, tx: Tx) -> dict[str, Any]:
    reader = TxReader(engine, tx)
    rel = REL_BY_NAME[rel_type]
    what, stored, ends, match, params = _stored_rel(reader, rel_type, source, target, valid_from)
    dataset = stored.props.get("dataset")
    _already_ended(what, stored.props.get("valid_to"),
                   "delete it with deleteRelationship and add it again" if dataset == DATASET else
                   f"a wrong date is corrected in dataset {dataset!r}'s file")
    fields = {k: v for k, v in stored.props.items() if k != "dataset" and v is not None}
    item, problems = _rel_item_from_input(rel, source, target,
                                          {**fields, "valid_to": valid_to, "source": new_source})
    nodes = list(ends.values())
    check(Parsed(nodes=nodes, rels=[stored]), Parsed(nodes=nodes, rels=[item], problems=problems),
          reader, (source, target))
    tx.touched([source, target])
    tx.run(f"{match} {closing(engine)}", {**params, "end_day": valid_to, "end_source": new_source})
    return {**item.props, "dataset": dataset, "type": rel_type, "from_id": source, "to_id": target}
