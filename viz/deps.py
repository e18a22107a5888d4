"""Dependency map ("alt henger sammen med alt"): what one municipality or agreement is tied to.

Breadth-first over the cooperation relationships (PARTY_TO, COVERS, DEPENDS_ON, ESTABLISHES,
DELIVERS, FUNDS, and MEMBER_OF between organisations), one statement per step, or on LadybugDB
from the line index (from_index.deps_rows: there the statement takes a second a step at national
scale). Agreements are grouped by kind and status; a group larger than `max_group` becomes one box
with a count and the edges into it are merged with a multiplicity ("deltaker ×45"), so 157
agreements stay one box rather than a hairball.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from . import from_index
from .common import (JOINT_KINDS, ROLE_NO, STATUS_NO, Box, Chart, ChartError, Note, anchor, at_least, count_no,
                     date_no, esc, fill_key, fte_no, kind_no, legend_box, legend_line, live, number_no, rel_type,
                     require_node, resolve_as_of, wrap)

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

RELS = "PARTY_TO|COVERS|DEPENDS_ON|ESTABLISHES|DELIVERS|FUNDS|MEMBER_OF"
STEP_RELS = frozenset(RELS.split("|"))
TYPES = ("Organisation", "Agreement", "Service", "System", "MeetingPlace", "Unit")
ROOT_TYPES = ("Organisation", "Agreement", "Service", "System", "Unit")

_COLUMNS = """{T} AS rel, r.role AS role, r.note AS note, r.amount_tkr AS amount, b.id AS id, labels(b) AS type,
       coalesce(b.name, b.title) AS name, b.kind AS kind, b.status AS status, b.category AS category,
       b.fte AS fte"""


def _step_query(engine: "Engine") -> str:
    cols = _COLUMNS.format(T=rel_type(engine))
    a = anchor(engine)
    return f"""
UNWIND $ids AS from_id
MATCH (a{a})-[r:{RELS}]->(b)
WHERE a.id = from_id AND {live('r')} AND {live('b')}
RETURN from_id AS via, 'out' AS dir, {cols}
UNION ALL
UNWIND $ids AS from_id
MATCH (a{a})<-[r:{RELS}]-(b)
WHERE a.id = from_id AND {live('r')} AND {live('b')}
RETURN from_id AS via, 'in' AS dir, {cols}"""


def keep(rel: str, via_type: str, other_type: str) -> bool:
    """Whether a step follows a relationship from a `via_type` node to an `other_type` one: to the
    types drawn, and membership only between organisations (not people or units in a body)."""
    return other_type in TYPES and (rel != "MEMBER_OF" or via_type == other_type == "Organisation")


def _row_order(row: dict[str, Any]) -> tuple:
    return (row["via"], row["id"], row["rel"], row["dir"],
            *(("" if row.get(k) is None else str(row[k])) for k in ("role", "note", "amount")))


@dataclass
class DepGraph:
    root: dict[str, Any]
    as_of: dt.date
    note: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)  # (tail, head, rel)
    level: dict[str, int] = field(default_factory=dict)


# Far more than a drawable map (render.MAX_BOXES) holds even after agreements collapse into groups.
MAX_REACHED = 20_000


def fetch_deps(engine: "Engine", root_id: str, as_of: Any = None, steps: int = 2) -> DepGraph:
    at_least("steps", steps, 1)
    node = require_node(engine, root_id, ROOT_TYPES, "a dependency map")
    graph = DepGraph(node, *resolve_as_of(node, as_of))
    graph.nodes[root_id] = {"id": root_id, "type": node["type"], "name": node.get("name") or root_id,
                            "kind": node.get("kind"), "status": node.get("status"),
                            "category": node.get("category"), "fte": node.get("fte")}
    graph.level[root_id] = 0
    frontier, query = [root_id], _step_query(engine)
    for step in range(1, steps + 1):
        if not frontier:
            break
        rows = from_index.read(engine, query, {"ids": frontier, "as_of": graph.as_of},
                               lambda index: from_index.deps_rows(index, engine, frontier, graph.as_of,
                                                                  STEP_RELS, keep))
        nxt: list[str] = []
        # in an order of their own: of two parallel relationships the first one met is drawn
        for row in sorted(rows, key=_row_order):
            via, other = row["via"], row["id"]
            if not keep(row["rel"], graph.nodes[via]["type"], row["type"]):
                continue
            tail, head = (via, other) if row["dir"] == "out" else (other, via)
            graph.edges.setdefault((tail, head, row["rel"]), {k: row.get(k) for k in ("role", "note", "amount")})
            if other not in graph.nodes:
                graph.nodes[other] = {k: row.get(k) for k in ("id", "type", "name", "kind", "status",
                                                              "category", "fte")}
                graph.level[other] = step
                nxt.append(other)
        if len(graph.nodes) > MAX_REACHED:  # steps enough to reach most of the country: stop reading
            raise ChartError(f"more than {MAX_REACHED:,} things lie within {step} step{'s' * (step > 1)} of {root_id!r}; "
                             f"a map of them cannot be drawn: ask for fewer steps")
        frontier = nxt
    _homes(engine, graph)
    return graph


def _home(engine: "Engine", unit_id: str, as_of: dt.date) -> dict[str, Any] | None:
    """The organisation a unit is part of on a day (the nearest up its chain of command)."""
    return next((row for row in engine.query("chain_of_command", id=unit_id, as_of=as_of)
                 if row["type"] == "Organisation"), None)


def _homes(engine: "Engine", graph: DepGraph) -> None:
    """Name the organisation of each unit drawn that is not the root's own: a map across
    municipalities otherwise shows a row of boxes all called "Oppvekst"."""
    units = [n for n in graph.nodes.values() if n["type"] == "Unit"]
    if not units:
        return
    root = graph.nodes[graph.root["id"]]
    own = root["id"] if root["type"] != "Unit" else (_home(engine, root["id"], graph.as_of) or {}).get("id")
    for node in units:
        home = _home(engine, node["id"], graph.as_of) if node is not root else None
        if home and home["id"] != own:
            node["home"] = home["name"] or home["id"]


COLOURS = {"Service": "#fdebd7", "System": "#ececec", "MeetingPlace": "#e6f0ea", "Unit": "#ffffff"}
SHAPES = {"Service": "ellipse", "System": "cylinder", "MeetingPlace": "hexagon"}


def _box(node: dict[str, Any], root_id: str) -> Box:
    kind = {"Organisation": "org", "Agreement": "agreement", "Service": "service", "System": "system",
            "MeetingPlace": "forum", "Unit": "unit"}[node["type"]]
    lines: list[str] = []
    subkind = node.get("kind") or ""
    attrs: dict[str, str] = {}
    if node["type"] == "Organisation":
        lines.append(Note(f"({kind_no(node.get('kind'))})"))
    elif node["type"] == "Agreement":
        lines.append(Note(f"({kind_no(node.get('kind'))} · {STATUS_NO.get(node.get('status'), node.get('status') or '')})"))
        subkind = node.get("status") or ""
        if node.get("fte") is not None:
            lines.append(Note(fte_no(node["fte"])))
        if subkind == "proposed":
            attrs["style"] = "rounded,filled,dashed"
    elif node["type"] in ("Service", "System", "MeetingPlace"):
        if node.get("category") or node.get("kind"):
            lines.append(Note(f"({node.get('category') or kind_no(node.get('kind'))})"))
        attrs.update(shape=SHAPES[node["type"]], style="filled", fillcolor=COLOURS[node["type"]])
    elif node.get("home"):
        lines.append(Note(f"({node['home']})"))
    if node["id"] == root_id:
        attrs.update(penwidth="2.5", color="#111111")
    return Box(node["id"], kind, node["name"] or node["id"], lines, node["type"], subkind, attrs=attrs)


def _edge_style(rel: str, props: dict[str, Any], count: int = 1) -> tuple[str, str, dict[str, str]]:
    """(kind, label, attrs) of a drawn edge."""
    times = f" ×{count}" if count > 1 else ""
    role = props.get("role")
    if rel == "PARTY_TO":
        label = ROLE_NO.get(role, role or "part")
        attrs = {"color": "#1f4e79", "arrowhead": "none"}
        if role == "host":
            attrs.update(penwidth="2.4", color="#1d4ed8", fontcolor="#1d4ed8")
            return "host", "vert" + times, attrs
        if role == "partial":
            attrs.update(style="dashed")
            if props.get("note") and count == 1:
                attrs["tooltip"] = str(props["note"])
            return "partial", "delvis" + times, attrs
        return "party", (label + times) if count > 1 else "", attrs
    if rel == "COVERS":
        return "covers", ("dekker" + times) if count > 1 else "", {"color": "#b45309"}
    if rel == "DEPENDS_ON":
        note = props.get("note") if count == 1 else None
        return "depends", "\n".join(wrap("avhenger av" + (f": {note}" if note else "") + times, 24, 2)), \
            {"color": "#c2410c", "style": "dotted", "fontcolor": "#c2410c", "penwidth": "1.4"}
    if rel == "ESTABLISHES":
        return "establishes", "etablerer" + times, {"color": "#6d28d9", "fontcolor": "#6d28d9"}
    if rel == "FUNDS":
        amount = props.get("amount")
        text = "finansierer" + (f" {number_no(amount)} tkr" if amount and count == 1 else "") + times
        return "funds", text, {"color": "#15803d", "fontcolor": "#15803d"}
    if rel == "DELIVERS":
        return "delivers", "leverer" + times, {"color": "#6b7280"}
    if rel == "MEMBER_OF":
        return "member", "\n".join(wrap((role or "medlem") + times, 20, 2)), \
            {"color": "#0f766e", "fontcolor": "#0f766e"}
    return rel.lower(), rel.lower(), {}


def deps_chart(engine: "Engine", root_id: str, as_of: Any = None, steps: int = 2, max_group: int = 8,
               graph: DepGraph | None = None) -> Chart:
    """Dependency map as drawn boxes and links; agreement groups larger than max_group collapse."""
    at_least("max_group", max_group, 0)  # 0: every agreement group collapses
    graph = graph or fetch_deps(engine, root_id, as_of, steps)
    name = graph.nodes[root_id]["name"]
    chart = Chart("deps", root_id, f"Avhengigheter – {name}", graph.as_of, rankdir="LR",
                  subtitle=f"Per {date_no(graph.as_of)}" + (f" ({graph.note})" if graph.note else "")
                  + f" · {steps} steg ut fra {name}")
    groups: dict[tuple[str, str], list[str]] = {}
    for node in graph.nodes.values():
        if node["type"] == "Agreement" and node["id"] != root_id:
            groups.setdefault((node.get("kind") or "other", node.get("status") or ""), []).append(node["id"])
    collapsed: dict[str, str] = {}  # agreement id → group box id
    for (kind, status), ids in sorted(groups.items()):
        label = f"{kind_no(kind).capitalize()} · {STATUS_NO.get(status, status)}"
        if len(ids) > max_group:
            box_id = f"group__{kind}__{status}"
            names = sorted((graph.nodes[i]["name"] for i in ids), key=sort_key)
            chart.add(Box(box_id, "group", f"{len(ids)} avtaler",
                          [Note(f"({kind_no(kind)} · {STATUS_NO.get(status, status)})")],
                          "Agreement", status, hidden=len(ids),
                          attrs={"shape": "box3d", "style": "filled", "fillcolor": "#e9f5e4" if status != "proposed"
                                 else "#fffbe6"}))
            collapsed.update({i: box_id for i in ids})
            shown = ", ".join(names[:6]) + (f" og {len(names) - 6} til" if len(names) > 6 else "")
            chart.summary.append(f"<B>{esc(len(ids))} avtaler ({esc(label.lower())})</B> vist som én boks: "
                                 f"{esc(shown)}")
        else:
            chart.clusters[f"{kind}_{status}"] = (f"{label} ({len(ids)})", ids)

    # Things tied only to collapsed agreements are counted in the group box, not drawn.
    neighbours: dict[str, set[str]] = {}
    for (tail, head, rel) in graph.edges:
        neighbours.setdefault(tail, set()).add(collapsed.get(head, head))
        neighbours.setdefault(head, set()).add(collapsed.get(tail, tail))
    folded: dict[str, list[str]] = {}
    for node in graph.nodes.values():
        nid = node["id"]
        if nid == root_id or nid in collapsed:
            continue
        near = neighbours.get(nid, set())
        if near and all(n.startswith("group__") for n in near) and len(near) == 1 and node["type"] != "Organisation":
            folded.setdefault(next(iter(near)), []).append(nid)
    hidden = {i for ids in folded.values() for i in ids}
    for group_id, ids in folded.items():
        types = {}
        for i in ids:
            types[graph.nodes[i]["type"]] = types.get(graph.nodes[i]["type"], 0) + 1
        for t, n in sorted(types.items()):
            chart.boxes[group_id].lines.append(Note(f"+ {count_no(n, t)}"))

    for node in sorted(graph.nodes.values(), key=lambda n: (graph.level[n["id"]], sort_key(n["name"]))):
        if node["id"] in collapsed or node["id"] in hidden:
            continue
        box = chart.add(_box(node, root_id))
        if node["type"] == "Organisation" and node.get("kind") in JOINT_KINDS:
            box.subkind = node["kind"]

    merged: dict[tuple[str, str, str, str], list[dict]] = {}
    for (tail, head, rel), props in graph.edges.items():
        if tail in hidden or head in hidden:
            continue
        t, h = collapsed.get(tail, tail), collapsed.get(head, head)
        if t == h:
            continue
        merged.setdefault((t, h, rel, props.get("role") or ""), []).append(props)
    drawn = [(tail, head, rel, props, *_edge_style(rel, props[0], len(props)))
             for (tail, head, rel, _role), props in sorted(merged.items())]
    repeated: dict[str, int] = {}
    for *_, label, _attrs in drawn:
        repeated[label] = repeated.get(label, 0) + 1
    for tail, head, rel, props, kind, label, attrs in drawn:
        if repeated[label] >= 3 and "\n" in label:  # one long label said once, above the picture
            attrs = {**attrs, "tooltip": label.replace("\n", " ")}
            label = ""
        chart.link(tail, head, kind, label, **attrs)
    for label, n in repeated.items():
        if n >= 3 and "\n" in label:
            chart.summary.append(f"<B>{n} kanter</B> «{esc(label.replace(chr(10), ' '))}»")

    counts: dict[str, int] = {}
    for node in graph.nodes.values():
        counts[node["type"]] = counts.get(node["type"], 0) + 1
    chart.summary.insert(0, "<B>Innhold:</B> " + esc(", ".join(
        count_no(n, t) for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))))
    chart.legend = deps_legend(chart)
    return chart


# What each kind of line and box means, in the order the legend lists them.
LINE_LEGEND = {
    "host": (legend_line("#1d4ed8", "bold"), "vertskommune"),
    "party": (legend_line("#1f4e79"), "deltaker"),
    "partial": (legend_line("#1f4e79", "dashed"), "delvis deltaker"),
    "covers": (legend_line("#b45309"), "dekker tjeneste"),
    "depends": (legend_line("#c2410c", "dotted"), "avhenger av"),
    "establishes": (legend_line("#6d28d9"), "etablerer"),
    "funds": (legend_line("#15803d"), "finansierer"),
    "delivers": (legend_line("#6b7280"), "leverer"),
    "member": (legend_line("#0f766e"), "medlem"),
}
BOX_LEGEND = {
    "municipality": (legend_box("#8fb8de"), "kommune"),
    "joint": (legend_box("#b9a3d6"), "samarbeidsorgan"),
    "org": (legend_box("#b7c0cc"), "annen organisasjon"),
    "unit": (legend_box("#9aa3ad"), "enhet"),
    "agreement": (legend_box("#9bd08a"), "avtale i kraft/vedtatt"),
    "proposed": (legend_box("#e8d27a"), "foreslått avtale"),
    "ended": (legend_box("#bdbdbd"), "avsluttet avtale"),
    "service": (legend_box("#f0b27a"), "tjeneste"),
    "system": (legend_box("#a8a8a8"), "system"),
    "forum": (legend_box("#9cc9ad"), "møteplass"),
    "group": ('<FONT COLOR="#5b6b7a" POINT-SIZE="11">❐</FONT>', "flere avtaler samlet i én boks"),
}
GROUP_FILL = {"proposed": "proposed", "ended": "ended"}  # a group box's fill: its agreements' status


def deps_legend(chart: Chart) -> list[tuple[str, str]]:
    """Legend entries for the kinds of line and box the map draws, and only those (boxes by what
    their fill shows; every unit is "enhet"; a group box as a group and by its agreements' status)."""
    lines = {link.kind for link in chart.links}
    boxes = {"unit" if box.kind == "unit" else fill_key(box) for box in chart.boxes.values()}
    boxes |= {GROUP_FILL.get(box.subkind, "agreement") for box in chart.boxes.values() if box.kind == "group"}
    return [entry for kind, entry in LINE_LEGEND.items() if kind in lines] + \
        [entry for kind, entry in BOX_LEGEND.items() if kind in boxes]
