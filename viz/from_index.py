"""The charts' reads from the line index, on LadybugDB (org chart, meeting-place map, dependency map).

Each level of an org chart was one statement `UNWIND $ids … MATCH (c)-[r]->(b) WHERE b.id = …`,
and one more for the posts heading the units found. LadybugDB plans the hop after an UNWIND as a
hash join over the whole relationship table, so at national scale (184 000 units) each took
0.3–0.8 s whatever the number of ids, and a municipality's 560-box chart 12 s. The line index holds
every relationship with its period, and every node's type, name and period, so the shape comes
from memory; what it lacks is read by primary key (a node's kind and fte, one statement per node
table) or anchored on one node (a membership's role and seats, per forum or body: ~0.4 ms each).

The dependency map's steps were one statement each over seven relationship types, the same hash
join, about 1 s a step (deps_rows).

The rows are those of the statements in org.py, forums.py and deps.py, for the same ids and day
(tests/viz compares both on the test data and the seeds on many dates). They run (`read`) where
`traversals.STRATEGY["charts"]` says "index" and the index is current or built (as the traversals'
steps do); otherwise the statements run.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Optional

from orggraph.queries.line_index import LineIndex, _ok

from .common import live

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

DOWN = frozenset(("PART_OF", "REPORTS_TO", "BELONGS_TO"))


def read(engine: "Engine", cypher: str, params: dict[str, Any],
         answer: Callable[[LineIndex], list["Row"]]) -> list["Row"]:
    """`answer(index)` where the charts read from the line index and it is built, else the
    statement `cypher` with `params` (the same rows either way)."""
    from orggraph.queries import traversals
    index = traversals._index("charts", engine)
    return answer(index) if index is not None else engine.read(cypher, params)


def node_label(engine: "Engine", node_id: str) -> Optional[str]:
    """The node's table, from the index if it is current (nothing is built), else None: a lookup
    by id without the label scans every table (~0.1 s at national scale)."""
    from orggraph.queries import line_index
    grouped = line_index.labels_of(engine, [node_id])
    return next(iter(grouped), None) if grouped else None


def down_rows(index: LineIndex, engine: "Engine", ids: list[str], day: dt.date) -> list["Row"]:
    """org._down_query: what reports to or is part of (or belongs to) each id, with the posts it
    heads and who holds it."""
    found = []
    for parent in ids:
        for child, rel, outgoing, kind, valid_from, valid_to in index.links.get(parent, ()):
            if not outgoing and rel in DOWN and _ok(valid_from, valid_to, day) \
                    and _ok(*index.every[child][2:], day):
                found.append((parent, child, rel, kind))
    props = _props(index, engine, {child for _, child, _, _ in found}, ("kind", "fte"))
    rows = []
    for parent, child, rel, kind in found:
        label, name = index.every[child][:2]
        heads = [other for other, r, outgoing, _, f, t in index.links.get(child, ())
                 if r == "HEADS" and outgoing and _ok(f, t, day) and _ok(*index.every[other][2:], day)]
        for head in heads or [None]:
            for holder, capacity in _held(index, child, day):
                rows.append({"parent": parent, "id": child, "type": label, "name": name,
                             "kind": props[child]["kind"], "fte": props[child]["fte"], "rel": rel,
                             "line": kind, "heads": head,
                             "heads_type": index.every[head][0] if head is not None else None,
                             "holder": holder, "capacity": capacity})
    return rows


def heads_rows(index: LineIndex, ids: list[str], day: dt.date) -> list["Row"]:
    """org._heads_query: the posts heading each id, and who holds them."""
    rows = []
    for unit in ids:
        for post, valid_from, valid_to in index.heads.get(unit, ()):
            if _ok(valid_from, valid_to, day) and _ok(*index.every[post][2:], day):
                for holder, capacity in _held(index, post, day):
                    rows.append({"unit": unit, "post": post, "title": index.every[post][1],
                                 "holder": holder, "capacity": capacity})
    return rows


def members_rows(index: LineIndex, engine: "Engine", ids: list[str], day: dt.date) -> list["Row"]:
    """org._members_query: who is a member of each forum or body, in what role, and who holds it.
    The role and seats are the membership's own, so each body's are read anchored on it."""
    found = []
    for body in dict.fromkeys(ids):
        label = index.every.get(body, (None,))[0]
        if label is None or not any(r == "MEMBER_OF" and not out for _, r, out, *_ in index.links.get(body, ())):
            continue
        for row in engine.read(f"MATCH (x)-[r:MEMBER_OF]->(b:{label}) WHERE b.id = $id AND {live('r')} "
                               "RETURN x.id AS id, r.role AS role, r.seats AS seats", {"id": body, "as_of": day}):
            if row["id"] in index.every and _ok(*index.every[row["id"]][2:], day):
                found.append((body, row))
    props = _props(index, engine, {row["id"] for _, row in found}, ("kind",))
    rows = []
    for body, member in found:
        label, name = index.every[member["id"]][:2]
        for holder, capacity in _held(index, member["id"], day):
            rows.append({"body": body, "id": member["id"], "type": label, "name": name,
                         "kind": props[member["id"]]["kind"], "role": member["role"], "seats": member["seats"],
                         "holder": holder, "capacity": capacity})
    return rows


def joined_rows(index: LineIndex, engine: "Engine", ids: list[str], day: dt.date,
                keys: tuple[str, ...]) -> list["Row"]:
    """forums._joined_query: the forums each id is a member of, in what role, with the forum's
    `keys`. Each forum's memberships are read anchored on it, as in members_rows."""
    wanted = set(ids)
    forums = sorted({other for node_id in wanted for other, r, out, _, f, t in index.links.get(node_id, ())
                     if r == "MEMBER_OF" and out and index.every[other][0] == "MeetingPlace"
                     and _ok(f, t, day) and _ok(*index.every[other][2:], day)})
    props = _props(index, engine, set(forums), tuple(k for k in keys if k not in ("id", "name")))
    rows = []
    for forum in forums:
        for row in engine.read(f"MATCH (x)-[r:MEMBER_OF]->(m:MeetingPlace) WHERE m.id = $id AND {live('r')} "
                               "RETURN x.id AS member, r.role AS role", {"id": forum, "as_of": day}):
            if row["member"] in wanted:
                rows.append({**row, **props[forum], "id": forum, "name": index.every[forum][1]})
    return rows


#: a dependency map's edge columns: (row key, relationship property)
EDGE_COLUMNS = (("role", "role"), ("note", "note"), ("amount", "amount_tkr"))


def deps_rows(index: LineIndex, engine: "Engine", ids: list[str], day: dt.date, rels: frozenset[str],
              keep: Callable[[str, str, str], bool]) -> list["Row"]:
    """deps._step_query, the rows fetch_deps keeps (`keep(rel, via's type, other's type)`): each
    id's live relationships of the types `rels` to live nodes, both ways, with the relationship's
    role, note and amount and the other end's properties. A type with none of those columns comes
    from the index alone; one with them is read anchored on the id, per type and direction
    (~0.3–0.5 ms each, against 1 s for the UNWIND over every type at national scale)."""
    found: list[tuple[str, bool, str, str, dict[str, Any]]] = []  # (via, outgoing, rel, other, edge)
    for via in ids:
        via_type = index.every[via][0]
        anchored: set[tuple[str, bool]] = set()
        for other, rel, outgoing, _, f, t in index.links.get(via, ()):
            if rel in rels and _ok(f, t, day) and _ok(*index.every[other][2:], day) \
                    and keep(rel, via_type, index.every[other][0]):
                if _edge_columns(rel):
                    anchored.add((rel, outgoing))
                else:
                    found.append((via, outgoing, rel, other, {}))
        for rel, outgoing in sorted(anchored):
            hop = f"-[r:{rel}]->" if outgoing else f"<-[r:{rel}]-"
            for row in engine.read(f"MATCH (a:{via_type}){hop}(b) WHERE a.id = $id AND {live('r')} "
                                   f"RETURN b.id AS id, {_edge_columns(rel)}", {"id": via, "as_of": day}):
                other = row.pop("id")
                if other in index.every and _ok(*index.every[other][2:], day) \
                        and keep(rel, via_type, index.every[other][0]):
                    found.append((via, outgoing, rel, other, row))
    props = _props(index, engine, {other for *_, other, _ in found}, ("kind", "status", "category", "fte"))
    return [{"via": via, "dir": "out" if outgoing else "in", "rel": rel,
             **{key: edge.get(key) for key, _ in EDGE_COLUMNS}, "id": other, "type": index.every[other][0],
             "name": index.every[other][1], **props[other]}
            for via, outgoing, rel, other, edge in found]


def _edge_columns(rel: str) -> str:
    """`r.role AS role, …`: the EDGE_COLUMNS relationship type `rel` has ("" for none)."""
    from orggraph.schema import REL_BY_NAME
    return ", ".join(f"r.{name} AS {key}" for key, name in EDGE_COLUMNS if REL_BY_NAME[rel].prop(name))


def _held(index: LineIndex, node_id: str, day: dt.date) -> list[tuple[Any, Any]]:
    """Who holds the node on the day (the OPTIONAL MATCH of a person's HOLDS): (name, capacity)
    each, or one (None, None)."""
    return [(name, capacity) for name, capacity, f, t, _ in index.holders.get(node_id, ())
            if _ok(f, t, day)] or [(None, None)]


def _props(index: LineIndex, engine: "Engine", ids: set[str], names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Properties the index does not hold, of nodes it does: one read per node table, by primary
    key (`UNWIND … MATCH (n:Unit {id: i})`: ~8 ms for 600 ids); a table without one gives None."""
    from orggraph.schema import NODE_BY_LABEL
    by_label: dict[str, list[str]] = {}
    for node_id in sorted(ids):
        by_label.setdefault(index.every[node_id][0], []).append(node_id)
    out = {node_id: dict.fromkeys(names) for node_id in ids}
    for label, wanted in by_label.items():
        columns = ", ".join(f"n.{name} AS {name}" for name in names if NODE_BY_LABEL[label].prop(name))
        if not columns:
            continue
        for row in engine.read(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id, {columns}",
                               {"ids": wanted}):
            out[row["id"]] = {name: row.get(name) for name in names}
    return out


def held_rows(index: LineIndex, ids: list[str], day: dt.date) -> list["Row"]:
    """posts._held_query: the posts someone held before the day (a HOLDS that ended before it)."""
    return [{"post": post} for post in dict.fromkeys(ids)
            if any(t is not None and t < day for _, _, _, t, _ in index.holders.get(post, ()))]


def post_org_rows(index: LineIndex, ids: list[str], day: dt.date) -> list["Row"]:
    """posts._orgs_query: what each post heads or belongs to on the day, with its type and name."""
    rows = []
    for post in dict.fromkeys(ids):
        if index.every.get(post, ("",))[0] != "Post":
            continue
        for other, rel, outgoing, _, f, t in index.links.get(post, ()):
            if outgoing and rel in ("HEADS", "BELONGS_TO") and _ok(f, t, day) and _ok(*index.every[other][2:], day):
                row = {"post": post, "rel": rel, "org_type": index.every[other][0], "name": index.every[other][1]}
                if row not in rows:
                    rows.append(row)
    return rows
