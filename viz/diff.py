"""Difference between two dates of one organisation's chart – e.g. the day of a merger.

The org tree is read on both dates. When a change event (merger, split, renaming…) of the
organisation falls between them, its predecessors' trees on the first date and its successors'
trees on the second are read as well, so a merger shows the old municipalities ending and the new
one starting. Every box and edge is marked: added (green), ended (red, dashed), moved (orange, with
the old line dashed) or changed leader (purple); the same is listed above the picture.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from .common import (DIFF_NO, STATUS_COLOUR, Box, Note, Chart, ChartError, anchor, date_no, esc, is_live, kind_no,
                     legend_line, parse_date, require_node)
from .org import (ORG_TYPES, Tree, TreeNode, _post_box, _unit_box, draw_member, extra_link, fetch_tree, member_label,
                  org_legend, tree_link)
from .posts import clashing

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
    # reporting lines besides the tree (dotted, second lines): (tail, head, kind)
    links_before: set[tuple[str, str, str]] = field(default_factory=set)
    links_after: set[tuple[str, str, str]] = field(default_factory=set)
    # members and parties of the bodies drawn: (body, member) → their rows (org.fetch_tree)
    members_before: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    members_after: dict[tuple[str, str], list[dict]] = field(default_factory=dict)


def _holders(node: TreeNode) -> list[str]:
    if node.type == "Post":
        return sorted(h.text() for h in node.holders)
    return sorted(f"{head.title}: {', '.join(head.holder_lines())}" for head in node.heads)


def _names(every: dict[str, TreeNode]) -> dict[str, str]:
    """How the summary names each node so that two are never named alike where it can be
    helped: a post after its unit ("Ordfører (Ski)") and, among namesakes, with its holder; an
    organisation among namesakes with its kommunenummer."""
    names = {nid: node.name for nid, node in every.items()}
    for nid, node in every.items():
        if node.type == "Post" and node.parent:
            names[nid] = f"{node.name} ({names.get(node.parent, node.parent)})"
    seen = Counter(names.values())
    for nid, node in every.items():
        if seen[names[nid]] < 2:
            continue
        if node.type == "Post":
            holders = ", ".join(h.text() for h in node.holders)
            if holders:
                names[nid] = f"{node.name}: {holders} ({names.get(node.parent, node.parent)})"
        elif node.extra.get("kommunenummer"):
            names[nid] = f"{names[nid]} ({node.extra['kommunenummer']})"
    return names


def fetch_diff(engine: "Engine", root_id: str, date_from: Any, date_to: Any) -> Diff:
    a, b = parse_date(date_from), parse_date(date_to)
    if a is None or b is None:
        raise ChartError("a diff needs both dates: from and to (--from and --to)")
    if a >= b:
        raise ChartError(f"from (--from) {a} must be before to (--to) {b}")
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
    for roots, day, into, links, members in (
            (before_roots, a, diff.before, diff.links_before, diff.members_before),
            (after_roots, b, diff.after, diff.links_after, diff.members_after)):
        for rid in sorted(roots):
            rnode = require_node(engine, rid, ORG_TYPES, "a diff")
            if not is_live(rnode, day):
                continue
            tree: Tree = fetch_tree(engine, rid, day)
            for nid, tnode in tree.nodes.items():
                into.setdefault(nid, tnode)
            links.update(tree.links)
            for row in tree.members:
                members.setdefault((row["body"], row["id"]), []).append(row)
    every = {**diff.before, **diff.after}
    names = _names(every)
    for nid in sorted(set(diff.before) | set(diff.after), key=lambda i: sort_key(names[i])):
        old, new = diff.before.get(nid), diff.after.get(nid)
        if old is None:
            diff.changes.append(Change("added", nid, names[nid]))
        elif new is None:
            diff.changes.append(Change("ended", nid, names[nid]))
        else:
            if old.parent != new.parent and old.parent and new.parent:
                was, now = names.get(old.parent, old.parent), names.get(new.parent, new.parent)
                diff.changes.append(Change("moved", nid, names[nid], f"{was} → {now}"))
            if _holders(old) != _holders(new):
                diff.changes.append(Change("changed", nid, names[nid],
                                           f"{'; '.join(_holders(old)) or '–'} → {'; '.join(_holders(new)) or '–'}"))
    diff.changes += _member_changes(diff, names)
    return diff


def _member_changes(diff: Diff, names: dict[str, str]) -> list[Change]:
    """Members and parties that joined or left a body drawn on both dates, or changed role."""
    changes = []
    both = set(diff.before) & set(diff.after)
    for key in sorted(set(diff.members_before) | set(diff.members_after)):
        body, member = key
        if body not in both:  # a body that starts or ends takes its members with it
            continue
        old, new = diff.members_before.get(key), diff.members_after.get(key)
        rows = new or old
        name = f"{rows[0]['name'] or member} i {names.get(body, body)}"
        if old is None or new is None:
            changes.append(Change("added" if old is None else "ended", member, name,
                                  member_label(rows).replace("\n", " ")))
        elif member_label(old) != member_label(new):
            changes.append(Change("changed", member, name, f"{member_label(old)} → {member_label(new)}"
                                  .replace("\n", " ")))
    return changes


def _listed(items: list[Change], most: int = 12) -> str:
    """The changes of one kind, repeats counted once ("8 × Enhetsleder …"), a few to a line."""
    counts = Counter(esc(c.name) + (f" ({esc(c.detail)})" if c.detail else "") for c in items)
    texts = [f"{n} × {text}" if n > 1 else text for text, n in counts.items()]
    lines, line = [], ""
    for text in texts[:most]:
        if line and len(line) + len(text) > 110:
            lines.append(line + ",")
            line = ""
        line += (", " if line else "") + text
    more = f" og {len(texts) - most} til" if len(texts) > most else ""
    return '<BR ALIGN="LEFT"/>'.join([*lines, line + more])

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
    # the links as the org chart draws them (line, belongs, staff, dotted), marked by status
    for nid, node in diff.after.items():
        if node.parent:
            tree_link(chart, node.parent, node, "added" if status.get(nid) == "added" else "")
    for nid, node in diff.before.items():
        if not node.parent:
            continue
        new = diff.after.get(nid)
        if new is None:
            tree_link(chart, node.parent, node, "ended")
        elif new.parent != node.parent:
            chart.link(node.parent, nid, "was", "før", status="moved", constraint=False, style="dashed")
    for links, mark in ((diff.links_after, "added"), (diff.links_before, "ended")):
        other = diff.links_before if mark == "added" else diff.links_after
        for tail, head, kind in sorted(links):
            if (tail, head, kind) in other and mark == "ended":
                continue  # drawn once, from the later date
            extra_link(chart, tail, head, kind, "" if (tail, head, kind) in other else mark)
    _draw_members(chart, diff)
    _draw_events(chart, diff)
    for kind in ("added", "ended", "moved", "changed"):
        items = [c for c in diff.changes if c.status == kind]
        if items:
            chart.summary.append(f'<FONT COLOR="{STATUS_COLOUR[kind]}"><B>{DIFF_NO[kind].capitalize()} '
                                 f'({len(items)}):</B></FONT> {_listed(items)}')
    if not diff.changes:
        chart.summary.append("Ingen endringer i organisasjonskartet mellom datoene.")
    shown = {box.status for box in chart.boxes.values()} | {link.status for link in chart.links} \
        | {c.status for c in diff.changes}
    chart.legend = [(legend_line(STATUS_COLOUR[k], "bold"), DIFF_NO[k]) for k in ("added", "ended", "moved", "changed")
                    if k in shown]
    chart.legend += org_legend(chart)
    return chart


def _draw_members(chart: Chart, diff: Diff) -> None:
    """Members and parties as the org chart draws them; those that joined or left marked."""
    rows = [row for rows in [*diff.members_before.values(), *diff.members_after.values()] for row in rows]
    clash = clashing(rows)
    for key in sorted(set(diff.members_before) | set(diff.members_after)):
        old, new = diff.members_before.get(key), diff.members_after.get(key)
        if key[0] in chart.boxes:
            status = "" if old and new else "added" if new else "ended"
            draw_member(chart, key[0], new or old, clash, status)


def _draw_events(chart: Chart, diff: Diff) -> None:
    events: dict[str, dict[str, Any]] = {}
    for row in diff.events:
        events.setdefault(row["event"], {**row, "pred": [], "succ": []})
        events[row["event"]]["pred" if row["rel"] == "HAS_PREDECESSOR" else "succ"].append(row["id"])
    for eid, event in events.items():
        chart.add(Box(eid, "event", event.get("name") or kind_no(event.get("kind")),
                      [Note(f"({kind_no(event.get('kind'))} {date_no(parse_date(event.get('date')))})")], "ChangeEvent",
                      event.get("kind") or "", attrs={"shape": "box", "style": "filled,diagonals",
                                                      "fillcolor": "#fde2e2"}))
        for pred in event["pred"]:
            if pred in chart.boxes:
                chart.link(pred, eid, "event", color="#c62828", style="bold")
        for succ in event["succ"]:
            if succ in chart.boxes:
                chart.link(eid, succ, "event", color="#1a7f37", style="bold")
