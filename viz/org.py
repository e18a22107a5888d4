"""Org chart: a municipality, joint body or unit as of a date, to a depth.

The tree is read breadth-first, one level per round trip (plus one for the heads of each level's
units), the way `queries/traversals.py` does (on LadybugDB from the line index: from_index.py):
structural nesting (PART_OF), line reporting (REPORTS_TO kind line, between units or between
posts – a post that heads a unit stands for that unit) and posts that belong to a unit without
heading anything. Dotted reporting lines are kept aside and drawn only between boxes that are in
the tree, as dashed edges that do not rank.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from . import from_index
from .common import (JOINT_KINDS, MORE, ROLE_NO, VACANT, Box, Chart, Note, anchor, at_least, count_no, date_no,
                     fte_no, holder_legend, holder_text, kind_no, legend_box, legend_line, live, rel_type,
                     require_node, resolve_as_of, wrap)
from .posts import clashing, held_before, mark_held, member_name, post_orgs

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

ORG_TYPES = ("Organisation", "Unit")
MAX_LEVELS = 40  # a guard against cycles in bad data; the visited set already stops them


def _down_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS pid
MATCH (c)-[r:PART_OF|REPORTS_TO|BELONGS_TO]->(b{anchor(engine)})
WHERE b.id = pid AND {live('r')} AND {live('c')}
OPTIONAL MATCH (c)-[hd:HEADS]->(t)
WHERE {live('hd')} AND {live('t')}
OPTIONAL MATCH (x:Person)-[hh:HOLDS]->(c)
WHERE {live('hh')}
RETURN pid AS parent, c.id AS id, labels(c) AS type, coalesce(c.name, c.title) AS name, c.kind AS kind,
       c.fte AS fte, {rel_type(engine)} AS rel, r.kind AS line, t.id AS heads, labels(t) AS heads_type, x.name AS holder,
       hh.capacity AS capacity"""


def _heads_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS uid
MATCH (p:Post)-[h:HEADS]->(u{anchor(engine)})
WHERE u.id = uid AND {live('h')} AND {live('p')}
OPTIONAL MATCH (x:Person)-[hh:HOLDS]->(p)
WHERE {live('hh')}
RETURN uid AS unit, p.id AS post, p.title AS title, x.name AS holder, hh.capacity AS capacity"""


def _parties_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS oid
MATCH (o:Organisation)-[pp:PARTY_TO]->(a:Agreement)-[e:ESTABLISHES]->(b{anchor(engine)})
WHERE b.id = oid AND {live('pp')} AND {live('a')} AND {live('e')} AND {live('o')}
RETURN oid AS body, o.id AS id, o.name AS name, o.kind AS kind, pp.role AS role, pp.note AS note,
       a.name AS agreement"""


def _members_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS oid
MATCH (x)-[r:MEMBER_OF]->(b{anchor(engine)})
WHERE b.id = oid AND {live('r')} AND {live('x')}
OPTIONAL MATCH (who:Person)-[hh:HOLDS]->(x)
WHERE {live('hh')}
RETURN oid AS body, x.id AS id, labels(x) AS type, coalesce(x.name, x.title) AS name, x.kind AS kind,
       r.role AS role, r.seats AS seats, who.name AS holder, hh.capacity AS capacity"""


@dataclass
class Holder:
    name: str | None
    capacity: str | None

    def text(self) -> str:
        return holder_text(self.name, self.capacity)


@dataclass
class Head:
    post: str
    title: str
    holders: list[Holder] = field(default_factory=list)
    was_held: bool = False  # someone held the post before the date (Vakant, not ikke oppgitt)

    def holder_lines(self) -> list[str]:
        named = [h for h in self.holders if h.name]
        return [h.text() for h in named] or [holder_text(None, None, self.was_held)]


@dataclass
class TreeNode:
    id: str
    type: str  # Organisation | Unit | Post
    name: str
    kind: str | None
    fte: float | None
    parent: str | None
    level: int
    via: str = ""  # PART_OF | line | BELONGS_TO
    heads: list[Head] = field(default_factory=list)  # head posts of a unit/organisation
    holders: list[Holder] = field(default_factory=list)  # for a post box
    was_held: bool = False  # a post held by someone before the date
    children: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_staff(self) -> bool:
        return self.type == "Unit" and self.kind == "staff"


@dataclass
class Tree:
    root: TreeNode
    nodes: dict[str, TreeNode]
    links: list[tuple[str, str, str]]  # extra (tail, head, 'line'|'dotted') besides the tree edges
    members: list[dict[str, Any]]  # members and parties of joint bodies in the tree
    as_of: dt.date
    note: str = ""

    def descendants(self, node_id: str) -> int:
        count, todo = 0, list(self.nodes[node_id].children)
        while todo:
            child = todo.pop()
            count += 1
            todo.extend(self.nodes[child].children)
        return count


def _holders(rows: list[dict]) -> list[Holder]:
    seen, out = set(), []
    for row in rows:
        key = (row.get("holder"), row.get("capacity"))
        if key not in seen and row.get("holder"):
            seen.add(key)
            out.append(Holder(*key))
    return out


def members_of(engine: "Engine", ids: list[str], as_of: dt.date) -> list[dict]:
    """The members of these forums or bodies (_members_query's rows), in a fixed order; a post
    also with `was_held` and `org` (what it heads or belongs to, to tell "Ordfører"s apart)."""
    rows = in_order(from_index.read(engine, _members_query(engine), {"ids": ids, "as_of": as_of},
                                    lambda index: from_index.members_rows(index, engine, ids, as_of)))
    post_ids = [row["id"] for row in rows if row["type"] == "Post"]
    held = held_before(engine, [row["id"] for row in rows if row["type"] == "Post" and not row["holder"]], as_of)
    orgs = post_orgs(engine, post_ids, as_of)
    for row in rows:
        if row["type"] == "Post":
            row.update(was_held=row["id"] in held, org=orgs.get(row["id"]))
    return rows


def in_order(rows: list[dict]) -> list[dict]:
    """Rows in an order of their own: a statement returns them in whatever order its engine
    meets them, and the chart draws them in the order given."""
    return sorted(rows, key=lambda row: sorted((key, str(value)) for key, value in row.items()))


def _fetch_heads(engine: "Engine", ids: list[str], as_of: dt.date) -> dict[str, list[Head]]:
    if not ids:
        return {}
    rows = from_index.read(engine, _heads_query(engine), {"ids": ids, "as_of": as_of},
                           lambda index: from_index.heads_rows(index, ids, as_of))
    heads: dict[str, dict[str, Head]] = {}
    for row in sorted(rows, key=lambda r: (r["unit"], r["post"])):
        head = heads.setdefault(row["unit"], {}).setdefault(row["post"], Head(row["post"], row["title"]))
        if row.get("holder") and all(h.name != row["holder"] for h in head.holders):
            head.holders.append(Holder(row["holder"], row.get("capacity")))
    return {unit: list(posts.values()) for unit, posts in heads.items()}


def fetch_tree(engine: "Engine", root_id: str, as_of: Any = None, max_levels: int = MAX_LEVELS,
               members: bool = True, what: str = "an org chart") -> Tree:
    """The whole line-of-command tree below an organisation or unit on a date (`what` is drawn
    from it, for the error when the id is not an organisation or unit)."""
    node = require_node(engine, root_id, ORG_TYPES, what)
    day, note = resolve_as_of(node, as_of)
    root = TreeNode(root_id, node["type"], node.get("name") or root_id, node.get("kind"), node.get("fte"),
                    None, 0, extra={"kommunenummer": node.get("kommunenummer")})
    nodes = {root_id: root}
    root.heads = _fetch_heads(engine, [root_id], day).get(root_id, [])
    alias = {h.post: root_id for h in root.heads}  # a head post stands for the unit it heads
    dotted: list[tuple[str, str]] = []
    links: list[tuple[str, str, str]] = []
    frontier, level = [root_id], 0
    down = _down_query(engine)
    order = {"PART_OF": 0, "REPORTS_TO": 1, "BELONGS_TO": 2}
    while frontier and level < max_levels:
        level += 1
        ids = frontier + [post for post, box in alias.items() if box in frontier]
        ids += [b for b in frontier if nodes[b].type == "Post"]
        wanted = sorted(set(ids))
        rows = from_index.read(engine, down, {"ids": wanted, "as_of": day},
                               lambda index: from_index.down_rows(index, engine, wanted, day))
        grouped: dict[tuple, list[dict]] = {}
        for row in rows:
            if row["type"] not in ("Organisation", "Unit", "Post"):
                continue
            if row.get("heads_type") not in ORG_TYPES:  # heading a forum does not make a post a unit
                row["heads"] = None
            grouped.setdefault((row["parent"], row["id"], row["rel"], row.get("line")), []).append(row)
        new: list[str] = []
        for (parent, child, rel, line), group in sorted(
                grouped.items(), key=lambda kv: (order.get(kv[0][2], 3), sort_key(kv[1][0]["name"]))):
            first = group[0]
            parent_box = alias.get(parent, parent)
            if rel == "REPORTS_TO" and line == "dotted":
                box = first["heads"] if first["type"] == "Post" and first.get("heads") else child
                dotted.append((box, parent_box))
                continue
            if rel == "BELONGS_TO" and (first["type"] != "Post" or any(r.get("heads") for r in group)):
                continue  # posts that head something are drawn as their unit
            box = child
            if first["type"] == "Post" and first.get("heads"):
                headed = [r["heads"] for r in group if r.get("heads")]
                box = next((h for h in headed if h in nodes), headed[0])
                if box not in nodes:  # heads a unit we have not reached: draw the unit
                    continue
            if box in nodes:
                known = nodes[box]
                if box != parent_box and known.parent != parent_box and parent_box in nodes \
                        and rel != "BELONGS_TO" and box != root_id:
                    links.append((parent_box, box, "line"))
                continue
            if parent_box not in nodes:
                continue
            nodes[box] = TreeNode(box, first["type"], first["name"] or box, first.get("kind"),
                                  first.get("fte"), parent_box, level,
                                  via="line" if rel == "REPORTS_TO" else rel)
            if first["type"] == "Post":
                nodes[box].holders = _holders(group)
            nodes[parent_box].children.append(box)
            new.append(box)
        units = [b for b in new if nodes[b].type in ORG_TYPES]
        for unit, heads in _fetch_heads(engine, units, day).items():
            nodes[unit].heads = heads
            alias.update({h.post: unit for h in heads})
        frontier = new
    mark_held(engine, [h for n in nodes.values() for h in n.heads],
              [n for n in nodes.values() if n.type == "Post"], day)
    for tail, head in dotted:
        tail = alias.get(tail, tail)
        if tail in nodes and head in nodes and tail != head:
            links.append((tail, head, "dotted"))
    bodies = [n.id for n in nodes.values()
              if n.type == "Organisation" and (n.id == root_id or n.kind in JOINT_KINDS)]
    found_members: list[dict[str, Any]] = []
    if members and bodies:
        params = {"ids": bodies, "as_of": day}
        for row in members_of(engine, bodies, day):
            if row["id"] not in nodes:
                found_members.append({**row, "how": "member"})
        for row in engine.read(_parties_query(engine), params):
            if row["id"] not in nodes:
                found_members.append({**row, "type": "Organisation", "how": "party"})
    return Tree(root, nodes, links, found_members, day, note)


# ---------------------------------------------------------------------------------------------
# From tree to chart

def _unit_box(node: TreeNode) -> Box:
    lines: list[str] = []
    if node.type == "Organisation":
        extra = kind_no(node.kind)
        if node.extra.get("kommunenummer"):
            extra += f" {node.extra['kommunenummer']}"
        lines.append(Note(f"({extra})"))
    elif node.kind not in ("unit", None):
        lines.append(Note(f"({kind_no(node.kind)})"))
    vacant = acting = False
    for head in node.heads:
        lines.append(head.title)
        holders = head.holder_lines()
        lines += holders
        vacant |= holders == [VACANT]
        acting |= any(h.capacity == "acting" for h in head.holders)
    if node.fte is not None:
        lines.append(Note(fte_no(node.fte)))
    kind = "org" if node.type == "Organisation" else "unit"
    return Box(node.id, kind, node.name, lines, node.type, node.kind or "", vacant, acting)


def _post_box(node: TreeNode) -> Box:
    holders = [h.text() for h in node.holders] or [holder_text(None, None, node.was_held)]
    return Box(node.id, "post", node.name, holders, "Post", node.kind or "", holders == [VACANT],
               any(h.capacity == "acting" for h in node.holders), attrs={"style": "filled", "shape": "box"})


def _child_order(tree: Tree, node_id: str) -> list[str]:
    nodes = tree.nodes
    return sorted(nodes[node_id].children,
                  key=lambda c: (nodes[c].type == "Post", not nodes[c].is_staff, sort_key(nodes[c].name), c))


def org_chart(engine: "Engine", root_id: str, as_of: Any = None, depth: int = 2, max_children: int = 15,
              stack_min: int = 4, members: bool = True, tree: Tree | None = None) -> Chart:
    """The org chart as drawn boxes and links.

    depth: levels below the root to draw; deeper levels fold into "+N flere" boxes.
    max_children: siblings beyond this many fold into one "+N flere" box.
    stack_min: this many or more leaf siblings are listed in one stacked box (0: never).
    """
    at_least("depth", depth, 0)
    at_least("max_children", max_children, 0)  # 0: no limit
    at_least("stack_min", stack_min, 0)  # 0: never stack
    tree = tree or fetch_tree(engine, root_id, as_of, members=members)
    root = tree.root
    chart = Chart("org", root_id, f"Organisasjonskart – {root.name}", tree.as_of,
                  subtitle=f"Per {date_no(tree.as_of)}" + (f" ({tree.note})" if tree.note else "")
                  + f" · {levels_no(drawn_levels(tree, depth))} under toppen")
    nodes = tree.nodes
    shown: dict[str, list[str]] = {}  # parent → shown children (box ids, incl. fold boxes)

    def visit(node_id: str) -> None:
        node = nodes[node_id]
        chart.add(_post_box(node) if node.type == "Post" else _unit_box(node))
        children = _child_order(tree, node_id)
        if not children:
            return
        if node.level >= depth:
            hidden = tree.descendants(node_id)
            box = chart.add(Box(f"more__{node_id}", "more", MORE.format(n=hidden),
                                [Note(_hidden_detail(tree, node_id))], hidden=hidden))
            shown[node_id] = [box.id]
            return
        shown[node_id] = []
        keep_all: list[str] = []
        groups = [("", "enheter", [c for c in children if nodes[c].type != "Post"]),
                  ("__posts", "stillinger", [c for c in children if nodes[c].type == "Post"])]
        for suffix, what, group in groups:
            keep = group
            if max_children and len(group) > max_children:
                keep, folded = group[:max_children - 1], group[max_children - 1:]
                below = sum(tree.descendants(c) for c in folded)  # folded is 2 or more: plural
                box = Box(f"more__{node_id}{suffix}", "more", f"{MORE.format(n=len(folded))} {what}",
                          [Note(f"({below} til under disse)")] if below else [], hidden=len(folded) + below)
                chart.add(box)
                shown[node_id] += [*keep, box.id]
            else:
                shown[node_id] += list(keep)
            keep_all += keep
        for child in keep_all:
            visit(child)
        return

    visit(root_id)

    # links along the tree; staff beside their head
    for parent, children in shown.items():
        for child in children:
            if child.startswith("more__"):
                chart.link(parent, child, "fold", style="dashed", color="#8a8a8a", arrowhead="none")
            else:
                tree_link(chart, parent, nodes[child])
    for tail, head, kind in tree.links:
        if tail in chart.boxes and head in chart.boxes:
            extra_link(chart, tail, head, kind)

    if stack_min:
        _stack_leaves(chart, shown, nodes, stack_min)

    _draw_members(chart, tree)
    chart.legend = org_legend(chart)
    return chart


def tree_link(chart: Chart, parent: str, node: TreeNode, status: str = "") -> None:
    """The tree's link from parent to node as the org chart draws it: staff beside their head, a
    post that only belongs to a unit in grey without an arrow, else the line."""
    if node.is_staff:
        chart.link(parent, node.id, "line", arrowhead="none", minlen="2", status=status)
        chart.same_rank.append([parent, node.id])
    elif node.via == "BELONGS_TO":
        chart.link(parent, node.id, "belongs", color="#8895a3", arrowhead="none", status=status)
    else:
        chart.link(parent, node.id, "line", status=status)


def extra_link(chart: Chart, tail: str, head: str, kind: str, status: str = "") -> None:
    """A reporting line besides the tree (Tree.links): dotted (faglig) or a second line; neither ranks."""
    if kind == "dotted":
        chart.link(tail, head, "dotted", "stiplet linje", constraint=False, style="dashed",
                   color="#2f6db3", fontcolor="#2f6db3", status=status)
    else:
        chart.link(tail, head, "line", constraint=False, status=status)


def org_legend(chart: Chart) -> list[tuple[str, str]]:
    """What the chart's lines, boxes and markings mean – only those it uses."""
    kinds = {link.kind for link in chart.links}
    boxes = [b for box in chart.boxes.values() for b in [box, *box.rows]]
    entries = [
        ("line" in kinds, legend_line(), "linje"),
        ("dotted" in kinds, legend_line("#2f6db3", "dashed"), "stiplet linje (faglig)"),
        ("belongs" in kinds, legend_line("#8895a3"), "stilling som hører til (ikke linje)"),
        (any(b.kind == "unit" and b.subkind == "staff" for b in boxes), legend_box("#e0b93a"),
         "stab (ved siden av leder)"),
        (any(b.hidden for b in boxes), '<FONT POINT-SIZE="9"><B>+N flere</B></FONT>', "skjulte nivåer/enheter"),
        ("member" in kinds, legend_line("#0f766e"), "medlem / part i samarbeidet"),
    ]
    legend = [(sample, meaning) for used, sample, meaning in entries[:-1] if used] + holder_legend(chart)
    return legend + [(sample, meaning) for used, sample, meaning in entries[-1:] if used]


def drawn_levels(tree: Tree, depth: int) -> int:
    """How many levels below the top a chart of this depth draws (fewer if the tree is shallower)."""
    return min(depth, max(node.level for node in tree.nodes.values()))


def levels_no(count: int) -> str:
    return f"{count} nivå{'er' if count != 1 else ''}"


def _hidden_detail(tree: Tree, node_id: str) -> str:
    units = posts = 0
    todo = list(tree.nodes[node_id].children)
    while todo:
        child = tree.nodes[todo.pop()]
        if child.type == "Post":
            posts += 1
        else:
            units += 1
        todo.extend(child.children)
    parts = [f"{units} enhet{'er' if units != 1 else ''}"] if units else []
    parts += [f"{posts} stilling{'er' if posts != 1 else ''}"] if posts else []
    return "(" + ", ".join(parts) + " under)"


def _stack_leaves(chart: Chart, shown: dict[str, list[str]], nodes: dict[str, TreeNode], stack_min: int) -> None:
    """List many leaf siblings in one stacked box under their parent instead of a wide row. One
    link draws a stack, so leaves on the line and posts that only belong there are stacked apart
    (a lone one stays its own box): a belonging post must not read as a line report."""
    for parent, children in shown.items():
        for suffix, is_post in (("", False), ("__posts", True)):
            fold = f"more__{parent}{suffix}"
            group = [c for c in children if c == fold
                     or (c in nodes and (nodes[c].type == "Post") == is_post)]
            leaves = [c for c in group if c == fold
                      or (not nodes[c].is_staff and all(x.startswith("more__") for x in shown.get(c, [])))]
            if len([c for c in leaves if c in nodes]) < stack_min:
                continue
            line = [c for c in leaves if c in nodes and nodes[c].via != "BELONGS_TO"]
            belongs = [c for c in leaves if c in nodes and nodes[c].via == "BELONGS_TO"]
            folds = [c for c in leaves if c not in nodes]
            kinds = [(kind, ids) for kind, ids in (("line", line), ("belongs", belongs)) if len(ids) > 1]
            for number, (kind, ids) in enumerate(kinds):
                rows = ids + (folds if number == len(kinds) - 1 else [])  # the fold box goes last
                _stack(chart, shown, parent, f"stack__{parent}{suffix}" + (f"__{kind}" if number else ""),
                       rows, kind)


def _stack(chart: Chart, shown: dict[str, list[str]], parent: str, stack_id: str, leaves: list[str],
           kind: str) -> None:
    rows: list[Box] = []
    for child in leaves:
        box = chart.boxes.pop(child)
        own = shown.get(child, [])
        if own:  # the leaf's own "+N flere" goes into its row
            more = chart.boxes.pop(own[0])
            box.lines.append(Note(f"{more.title} {more.lines[0] if more.lines else ''}".strip()))
            box.hidden = more.hidden
            chart.links = [l for l in chart.links if l.head != own[0]]
        rows.append(box)
    stack = chart.add(Box(stack_id, "stack", "", [], rows=rows))
    moved = set(leaves)
    chart.links = [l for l in chart.links if not (l.tail == parent and l.head in moved)]
    attrs = {"color": "#8895a3", "arrowhead": "none"} if kind == "belongs" else {}
    chart.link(parent, stack.id, kind, **attrs)


def member_label(rows: list[dict]) -> str:
    """What a member is to a body: its roles (MEMBER_OF) and parts (PARTY_TO), with seats."""
    labels: list[str] = []
    for row in rows:
        if row["how"] == "member":
            text = row.get("role") or "medlem"
            if row.get("seats"):
                text += f", {count_no(row['seats'], 'seat')}"
        else:
            text = ROLE_NO.get(row.get("role"), row.get("role") or "part")
        if text not in labels:
            labels.append(text)
    text = "; ".join(labels)
    # as wide as its longest word: "kommunestyrerepresentanter," is not cut before its comma
    return "\n".join(wrap(text, max([26, *(len(word) for word in text.split())]), 3))


def draw_member(chart: Chart, body: str, rows: list[dict], clash: set[str], status: str = "") -> bool:
    """One member of a body drawn with its link; True if it is an organisation drawn above the
    body (member municipalities and parties form a joint body), False for a person or post,
    drawn beside the body: it is no part of the body's line."""
    first = rows[0]
    lines = []
    if first.get("type") == "Post":
        lines = [holder_text(first.get("holder"), first.get("capacity"), first.get("was_held"))]
    elif first.get("type") == "Organisation" and first.get("kind"):
        lines = [Note(f"({kind_no(first['kind'])})")]
    box = chart.add(Box(first["id"], "member", member_name(first, clash), lines, first.get("type", ""),
                        first.get("kind") or "", status=status))
    style = {"color": "#0f766e", "fontcolor": "#0f766e", "penwidth": "1.3", "status": status}
    if first.get("type") != "Organisation":
        chart.link(body, box.id, "member", member_label(rows), constraint=False, arrowhead="none", **style)
        chart.same_rank.append([body, box.id])
        return False
    chart.link(box.id, body, "member", member_label(rows), **style)
    return True


def _draw_members(chart: Chart, tree: Tree) -> bool:
    """Member municipalities (MEMBER_OF) and parties (PARTY_TO the establishing agreement) above
    the joint bodies they form; people and posts that are members beside the body."""
    if not tree.members:
        return False
    per: dict[tuple[str, str], list[dict]] = {}
    clash = clashing(tree.members)
    for row in tree.members:
        per.setdefault((row["body"], row["id"]), []).append(row)
    top: list[str] = []
    for (body, member), rows in sorted(per.items(), key=lambda kv: sort_key(kv[1][0]["name"])):
        if body in chart.boxes and draw_member(chart, body, rows, clash) and body == tree.root.id:
            top.append(member)
    if top:
        chart.same_rank.append(top)
    return True
