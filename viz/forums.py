"""Meeting-place map: the forums of an organisation, who sits in them and in what role, how often
they meet, their mandate and authority.

Forums are those that belong (BELONGS_TO) to the organisation or to a unit in its tree, forums that
belong to those forums (project groups under a steering group), and forums the organisation or
its units are members of.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from . import from_index
from .common import (VACANT, Box, Chart, Note, at_least, Link, anchor, count_no, date_no, holder_legend, holder_text, kind_no,
                     legend_box, legend_line, live, number_no, wrap)
from .org import _fetch_heads, fetch_tree, in_order, members_of
from .posts import clashing, mark_held, member_name

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

MAX_LEVELS = 10


def _owned_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS oid
MATCH (m:MeetingPlace)-[b:BELONGS_TO]->(o{anchor(engine)})
WHERE o.id = oid AND {live('b')} AND {live('m')}
RETURN oid AS owner, m.id AS id, m.name AS name, m.kind AS kind, m.frequency AS frequency,
       m.meetings_per_year AS meetings_per_year, m.mandate AS mandate, m.authority AS authority,
       m.seats AS seats"""


def _joined_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS oid
MATCH (x{anchor(engine)})-[r:MEMBER_OF]->(m:MeetingPlace)
WHERE x.id = oid AND {live('r')} AND {live('m')}
RETURN oid AS member, r.role AS role, m.id AS id, m.name AS name, m.kind AS kind, m.frequency AS frequency,
       m.meetings_per_year AS meetings_per_year, m.mandate AS mandate, m.authority AS authority,
       m.seats AS seats"""


def _sites_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS mid
MATCH (m:MeetingPlace)-[r:BASED_AT]->(s)
WHERE m.id = mid AND {live('r')}
RETURN mid AS forum, s.name AS site"""


FORUM_KEYS = ("id", "name", "kind", "frequency", "meetings_per_year", "mandate", "authority", "seats")


@dataclass
class Forums:
    root: Any  # org TreeNode
    as_of: dt.date
    note: str
    forums: dict[str, dict[str, Any]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # forum → organisation/unit/forum it belongs to
    joined: list[dict[str, Any]] = field(default_factory=list)  # forums the tree's units are members of
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    heads: dict[str, list[Any]] = field(default_factory=dict)
    sites: dict[str, list[str]] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)  # the org tree's nodes
    clash: set[str] = field(default_factory=set)  # member post titles of more than one organisation


def fetch_forums(engine: "Engine", root_id: str, as_of: Any = None, depth: int = 1, tree: Any = None) -> Forums:
    at_least("depth", depth, 0)
    tree = tree or fetch_tree(engine, root_id, as_of, members=False, what="a meeting-place map (chart forums)")
    day = tree.as_of
    units = {i: n for i, n in tree.nodes.items() if n.type != "Post" and n.level <= depth}
    result = Forums(tree.root, day, tree.note, units=units)
    frontier, query = sorted(units), _owned_query(engine)
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        rows = engine.read(query, {"ids": frontier, "as_of": day})
        frontier = []
        for row in sorted(rows, key=lambda r: sort_key(r["name"])):
            if row["id"] not in result.forums:
                result.forums[row["id"]] = {k: row.get(k) for k in FORUM_KEYS}
                result.owner[row["id"]] = row["owner"]
                frontier.append(row["id"])
    joined = from_index.read(engine, _joined_query(engine), {"ids": sorted(units), "as_of": day},
                             lambda index: from_index.joined_rows(index, engine, sorted(units), day, FORUM_KEYS))
    for row in in_order(joined):
        result.joined.append(row)
        result.forums.setdefault(row["id"], {k: row.get(k) for k in FORUM_KEYS})
    ids = sorted(result.forums)
    if ids:
        for row in members_of(engine, ids, day):
            result.members.setdefault(row["body"], []).append(row)
        result.clash = clashing([row for rows in result.members.values() for row in rows])
        result.heads = _fetch_heads(engine, ids, day)
        mark_held(engine, [h for heads in result.heads.values() for h in heads], [], day)
        for row in engine.read(_sites_query(engine), {"ids": ids, "as_of": day}):
            result.sites.setdefault(row["forum"], []).append(row["site"])
    return result


def frequency_text(forum: dict[str, Any]) -> str:
    parts = []
    if forum.get("frequency"):
        parts.append(str(forum["frequency"]))
    if forum.get("meetings_per_year") is not None:
        parts.append(f"{number_no(forum['meetings_per_year'])} møter i året")
    return "; ".join(parts)


def kind_and_seats(forum: dict[str, Any]) -> str:
    """'(råd/kommunestyre, 23 plasser)': a forum's kind, and its seats when known."""
    seats = f", {count_no(forum['seats'], 'seat')}" if forum.get("seats") else ""
    return f"({kind_no(forum.get('kind'))}{seats})"


def forum_lines(forum: dict[str, Any], data: Forums, width: int = 44) -> list[str]:
    lines = [Note(kind_and_seats(forum))]
    for head in data.heads.get(forum["id"], []):
        lines.append(f"Leder: {head.title} – {', '.join(head.holder_lines())}")
    freq = frequency_text(forum)
    lines += wrap(f"Møtes: {freq}" if freq else "Møtes: ikke oppgitt", width, 2)
    if forum.get("mandate"):
        lines += wrap(f"Mandat: {forum['mandate']}", width, 4)
    if forum.get("authority"):
        lines += wrap(f"Myndighet: {forum['authority']}", width, 3)
    if data.sites.get(forum["id"]):
        lines += wrap("Sted: " + ", ".join(data.sites[forum["id"]]), width, 1)
    return lines


def forums_chart(engine: "Engine", root_id: str, as_of: Any = None, depth: int = 1,
                 data: Forums | None = None) -> Chart:
    data = data or fetch_forums(engine, root_id, as_of, depth)
    root = data.root
    chart = Chart("forums", root_id, f"Møteplasser – {root.name}", data.as_of, rankdir="LR",
                  subtitle=f"Per {date_no(data.as_of)}" + (f" ({data.note})" if data.note else "")
                  + f" · {count_no(len(data.forums), 'MeetingPlace')}")
    chart.add(Box(root_id, "org", root.name, [Note(f"({kind_no(root.kind)})")], root.type, root.kind or ""))
    for forum_id, forum in sorted(data.forums.items(), key=lambda kv: sort_key(kv[1]["name"])):
        owner = data.owner.get(forum_id)
        if owner and owner != root_id and owner in data.units:
            unit = data.units[owner]
            chart.add(Box(owner, "unit", unit.name, [Note(f"({kind_no(unit.kind)})")], unit.type, unit.kind or ""))
        chart.add(Box(forum_id, "forum", forum["name"], forum_lines(forum, data), "MeetingPlace",
                      forum.get("kind") or "", attrs={"fillcolor": "#e6f0ea", "style": "filled"}, left=True))
    for forum_id, owner in data.owner.items():
        if owner in chart.boxes:
            chart.link(owner, forum_id, "belongs", color="#6b7280", arrowhead="none")
    for row in data.joined:
        if row["member"] in chart.boxes and data.owner.get(row["id"]) is None:
            chart.link(row["member"], row["id"], "member", "\n".join(wrap(row.get("role") or "medlem", 22, 2)),
                       color="#0f766e", fontcolor="#0f766e", style="bold")
    for forum_id, rows in data.members.items():
        for row in sorted(rows, key=lambda r: sort_key(r["name"])):
            member = row["id"]
            if member == root_id or member in data.units:
                if not any(l.tail == member and l.head == forum_id for l in chart.links):
                    chart.link(member, forum_id, "member", "\n".join(wrap(row.get("role") or "medlem", 22, 2)),
                               color="#0f766e", fontcolor="#0f766e")
                continue
            if member not in chart.boxes:
                lines = []
                if row["type"] == "Post":
                    lines = [holder_text(row.get("holder"), row.get("capacity"), row.get("was_held"))]
                elif row.get("kind"):
                    lines = [Note(f"({kind_no(row['kind'])})")]
                kind = "post" if row["type"] == "Post" else "member"
                chart.add(Box(member, kind, member_name(row, data.clash), lines, row["type"], row.get("kind") or "",
                              vacant=lines == [VACANT], attrs={"style": "filled"} if kind == "post" else {}))
            label = row.get("role") or "medlem"
            if row.get("seats"):
                label += f", {count_no(row['seats'], 'seat')}"
            chart.link(forum_id, member, "member", "\n".join(wrap(label, 22, 2)), color="#0f766e",
                       fontcolor="#0f766e", arrowhead="none")
    tie_shared_labels(chart)
    kinds = {link.kind for link in chart.links}
    chart.legend = [(sample, meaning) for used, sample, meaning in (
        (bool(data.forums), legend_box("#8fc4a4"), "møteplass (hyppighet, mandat, myndighet)"),
        ("belongs" in kinds, legend_line("#6b7280"), "hører til"),
        ("member" in kinds, legend_line("#0f766e"), "medlem (rolle)")) if used] + holder_legend(chart)
    if not data.forums:
        chart.summary.append("Ingen møteplasser registrert på denne datoen.")
    return chart


def tie_shared_labels(chart: Chart) -> None:
    """A member of several forums gets several labelled lines that cross on their way to its box,
    and a label half-way could be read as the neighbour's: tie each such label to its own line
    (Graphviz `decorate`: the label underlined, with a stroke to the line)."""
    def member(link: Link) -> str:
        return link.head if chart.boxes[link.tail].kind == "forum" else link.tail

    labelled = [link for link in chart.links if link.label]
    lines = Counter(member(link) for link in labelled)
    for link in labelled:
        if lines[member(link)] > 1:
            link.attrs["decorate"] = "true"
