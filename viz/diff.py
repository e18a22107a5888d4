"""Difference between two dates of one organisation's chart – e.g. the day of a merger.

The org tree is read on both dates. When a change event (merger, split, renaming…) of the
organisation falls between them, its predecessors' trees on the first date and its successors'
trees on the second are read as well, so a merger shows the old municipalities ending and the new
one starting. Every box and edge is marked: added (green), ended (red, dashed), moved (orange, with
the old line dashed) or changed leader (purple); the same is listed above the picture.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from .common import (DIFF_NO, STATUS_COLOUR, Box, Chart, ChartError, anchor, date_no, esc, holder_legend, is_live,
                     kind_no, legend_line, parse_date, require_node)
from .org import ORG_TYPES, Tree, TreeNode, _post_box, _unit_box, fetch_tree

if TYPE_CHECKING:
    from orggraph.engine.base import Engine


def _events_query(engine: "Engine") -> str:
    return f"""
MATCH (c:ChangeEvent)-[r1]->(o{anchor(engine)})
WHERE o.id = $id AND c.date > $date_from AND c.date <= $date_to
WITH DISTINCT c  // a split's continuing municipality is both its predecessor and a successor
MATCH (c)-[r2]->(x:Organisation)
RETURN c.id AS event, c.name AS name, c.kind AS kind, c.date AS date,
       {'type(r2)' if engine.dialect == 'neo4j' else 'label(r2)'} AS rel, x.id AS id"""


@dataclass
class Change:
    status: str  # added | ended | moved | changed
    id: str
    name: str
    detail: str = ""


@dataclass
class Diff:
    root: str
    date_from: dt.date
    date_to: dt.date
    before: dict[str, TreeNode] = field(default_factory=dict)
    after: dict[str, TreeNode] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _holders(node: TreeNode) -> list[str]:
    if node.type == "Post":
        return sorted(h.text() for h in node.holders)
    return sorted(f"{head.title}: {', '.join(head.holder_lines())}" for head in node.heads)


def fetch_diff(engine: "Engine", root_id: str, date_from: Any, date_to: Any) -> Diff:
    a, b = parse_date(date_from), parse_date(date_to)
    if a is None or b is None:
        raise ChartError("a diff needs both --from and --to dates")
    if a >= b:
        raise ChartError(f"--from ({a}) must be before --to ({b})")
    node = require_node(engine, root_id, ORG_TYPES, "a diff")
    diff = Diff(root_id, a, b)
    before_roots = {root_id} if is_live(node, a) else set()
    after_roots = {root_id} if is_live(node, b) else set()
    rows = engine.read(_events_query(engine), {"id": root_id, "date_from": a, "date_to": b})
    for row in rows:
        if row["rel"] == "HAS_PREDECESSOR":
            before_roots.add(row["id"])
        elif row["rel"] == "HAS_SUCCESSOR":
            after_roots.add(row["id"])
        diff.events.append(row)
    if not before_roots and not after_roots:
        raise ChartError(f"{root_id} exists on neither {a} nor {b}")
    for roots, day, into in ((before_roots, a, diff.before), (after_roots, b, diff.after)):
        for rid in sorted(roots):
            rnode = require_node(engine, rid, ORG_TYPES, "a diff")
            if not is_live(rnode, day):
                continue
            tree: Tree = fetch_tree(engine, rid, day, members=False)
            for nid, tnode in tree.nodes.items():
                into.setdefault(nid, tnode)
    names = {**{k: v.name for k, v in diff.before.items()}, **{k: v.name for k, v in diff.after.items()}}
    every = {**diff.before, **diff.after}
    for nid, tnode in every.items():  # posts are named after the unit they sit in ("Ordfører (Ski)")
        if tnode.type == "Post" and tnode.parent:
            names[nid] = f"{tnode.name} ({names.get(tnode.parent, tnode.parent)})"
    for nid in sorted(set(diff.before) | set(diff.after), key=lambda i: sort_key(names[i])):
        old, new = diff.before.get(nid), diff.after.get(nid)
        if old is None:
            diff.changes.append(Change("added", nid, names[nid]))
        elif new is None:
            diff.changes.append(Change("ended", nid, names[nid]))
        else:
            if old.parent != new.parent and old.parent and new.parent:
                diff.changes.append(Change("moved", nid, new.name,
                                           f"{names.get(old.parent, old.parent)} → {names.get(new.parent, new.parent)}"))
            if _holders(old) != _holders(new):
                diff.changes.append(Change("changed", nid, new.name,
                                           f"{'; '.join(_holders(old)) or '–'} → {'; '.join(_holders(new)) or '–'}"))
    return diff


def diff_chart(engine: "Engine", root_id: str, date_from: Any, date_to: Any, data: Diff | None = None) -> Chart:
    diff = data or fetch_diff(engine, root_id, date_from, date_to)
    name = (diff.after.get(root_id) or diff.before.get(root_id))
    title = name.name if name else root_id
    chart = Chart("diff", root_id, f"Endringer – {title}", diff.date_to,
                  subtitle=f"Fra {date_no(diff.date_from)} til {date_no(diff.date_to)}")
    status = {}
    for change in diff.changes:
        # moved/changed both apply: show moved (structure) first
        if change.id not in status or change.status == "moved":
            status[change.id] = change.status
    for nid in list(diff.after) + [i for i in diff.before if i not in diff.after]:
        node = diff.after.get(nid) or diff.before[nid]
        box = _post_box(node) if node.type == "Post" else _unit_box(node)
        box.status = status.get(nid, "")
        chart.add(box)
    for nid, node in diff.after.items():
        if node.parent:
            chart.link(node.parent, nid, "line", status="added" if status.get(nid) == "added" else "")
    for nid, node in diff.before.items():
        if not node.parent:
            continue
        new = diff.after.get(nid)
        if new is None:
            chart.link(node.parent, nid, "line", status="ended")
        elif new.parent != node.parent:
            chart.link(node.parent, nid, "was", "før", status="moved", constraint=False, style="dashed")
    events: dict[str, dict[str, Any]] = {}
    for row in diff.events:
        events.setdefault(row["event"], {**row, "pred": [], "succ": []})
        events[row["event"]]["pred" if row["rel"] == "HAS_PREDECESSOR" else "succ"].append(row["id"])
    for eid, event in events.items():
        chart.add(Box(eid, "event", event.get("name") or kind_no(event.get("kind")),
                      [f"({kind_no(event.get('kind'))} {date_no(parse_date(event.get('date')))})"], "ChangeEvent",
                      event.get("kind") or "", attrs={"shape": "box", "style": "filled,diagonals",
                                                      "fillcolor": "#fde2e2"}))
        for pred in event["pred"]:
            if pred in chart.boxes:
                chart.link(pred, eid, "event", color="#c62828", style="bold")
        for succ in event["succ"]:
            if succ in chart.boxes:
                chart.link(eid, succ, "event", color="#1a7f37", style="bold")
    for kind in ("added", "ended", "moved", "changed"):
        items = [c for c in diff.changes if c.status == kind]
        if not items:
            continue
        listed = ", ".join(esc(c.name) + (f" ({esc(c.detail)})" if c.detail else "") for c in items[:12])
        if len(items) > 12:
            listed += f" og {len(items) - 12} til"
        chart.summary.append(f'<FONT COLOR="{STATUS_COLOUR[kind]}"><B>{DIFF_NO[kind].capitalize()} '
                             f'({len(items)}):</B></FONT> {listed}')
    if not diff.changes:
        chart.summary.append("Ingen endringer i organisasjonskartet mellom datoene.")
    chart.legend = [(legend_line(STATUS_COLOUR[k], "bold"), DIFF_NO[k]) for k in ("added", "ended", "moved", "changed")]
    chart.legend += holder_legend(chart)
    return chart
