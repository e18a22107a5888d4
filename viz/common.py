"""What every chart shares: the drawn model, Norwegian labels, fonts, Cypher helpers, rendering.

Each chart kind first builds a `Chart` – plain boxes and links with their meaning (kind, style,
status) – and only then turns it into a Graphviz graph. Tests look at the `Chart`; readers look
at the picture. Everything drawn uses the DejaVu Sans font so æ, ø and å render in every format.
"""
from __future__ import annotations

import datetime as dt
import html
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from orggraph.collation import sort_key
from orggraph.dates import iso_date
from orggraph.errors import OrggraphError

if TYPE_CHECKING:
    import graphviz

    from orggraph.engine.base import Engine

FONT = "DejaVu Sans"
FORMATS = ("svg", "png", "pdf", "dot")


class ChartError(OrggraphError):
    """A chart cannot be drawn as asked (unknown id, wrong type, date outside its period)."""

    exit_code = 2


# ---------------------------------------------------------------------------------------------
# Norwegian wording used in the pictures (one place, so a reader's language stays consistent)

VACANT = "Vakant"  # no holder on the date, though one is recorded before it
UNKNOWN = "ikke oppgitt"  # no holder recorded at all up to the date: the data does not say
CAPACITY = {"acting": "fungerende", "constituted": "konstituert", "temporary": "midlertidig"}
MORE = "+{n} flere"  # the fold box for levels below the depth or siblings beyond the width

KIND_NO = {
    # Organisation
    "municipality": "kommune", "county": "fylkeskommune", "samkommune": "samkommune",
    "fellesnemnd": "fellesnemnd", "iks": "IKS", "oppgavefellesskap": "oppgavefellesskap",
    "project": "prosjekt", "state": "statlig", "company": "selskap",
    # Unit
    "service_area": "tjenesteområde", "unit": "enhet", "staff": "stab",
    "service_office": "servicekontor", "department": "avdeling", "section": "seksjon", "team": "team",
    # MeetingPlace
    "leader_group": "ledergruppe", "professional_team": "fagteam", "task_team": "oppgaveteam",
    "network": "nettverk", "steering_group": "styringsgruppe", "project_group": "prosjektgruppe",
    "council": "råd/kommunestyre", "committee": "utvalg", "board": "styre",
    "working_committee": "arbeidsutvalg",
    # Agreement
    "vertskommune": "vertskommune", "ko": "kommunalt oppgavefellesskap",
    "other": "annet",
    # ChangeEvent
    "merger": "sammenslåing", "split": "deling", "boundary": "grensejustering", "renaming": "navnendring",
    "renumbering": "nytt kommunenummer",
}
STATUS_NO = {"proposed": "foreslått", "decided": "vedtatt", "in_force": "i kraft", "ended": "avsluttet"}
ROLE_NO = {"host": "vertskommune", "participant": "deltaker", "partial": "delvis deltaker"}
TYPE_NO = {"Organisation": "organisasjon", "Unit": "enhet", "Post": "stilling", "Person": "person",
           "MeetingPlace": "møteplass", "Site": "sted", "Agreement": "avtale", "Service": "tjeneste",
           "System": "system", "Decision": "vedtak", "ChangeEvent": "endring"}
JOINT_KINDS = ("samkommune", "fellesnemnd", "iks", "oppgavefellesskap", "project")


#: singular and plural of what charts count
COUNTED_NO = {"Organisation": ("organisasjon", "organisasjoner"), "Agreement": ("avtale", "avtaler"),
              "Service": ("tjeneste", "tjenester"), "System": ("system", "systemer"),
              "MeetingPlace": ("møteplass", "møteplasser"), "Unit": ("enhet", "enheter"),
              "seat": ("plass", "plasser")}


def count_no(count: int, what: str) -> str:
    """'1 plass', '3 plasser': a count and the word in the form it takes."""
    one, many = COUNTED_NO.get(what, (what, what))
    return f"{count} {one if count == 1 else many}"


def kind_no(kind: str | None) -> str:
    return KIND_NO.get(kind or "", kind or "")


def date_no(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def number_no(value: float | None) -> str:
    """4.5 → '4,5'; 80.0 → '80' (Norwegian decimal comma)."""
    if value is None:
        return ""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fte_no(value: float | None) -> str:
    return f"{number_no(value)} årsverk" if value is not None else ""


def holder_text(holder: str | None, capacity: str | None, was_held: bool = False) -> str:
    """'Åse Ødegård', 'Cecilie Lærum (fungerende)', or with no holder 'Vakant' if the post was held
    before (`was_held`), else 'ikke oppgitt'."""
    if not holder:
        return VACANT if was_held else UNKNOWN
    extra = CAPACITY.get(capacity or "")
    return f"{holder} ({extra})" if extra else holder


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return iso_date(str(value))
    except ValueError:
        raise ChartError(f"not a date: {value!r} (write YYYY-MM-DD)") from None


def wrap(text: str | None, width: int = 28, max_lines: int | None = None) -> list[str]:
    if not text:
        return []
    lines = textwrap.wrap(" ".join(str(text).split()), width=width, break_long_words=True) or [""]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + " …" + still_open(" ".join(lines))
    return lines


_OPENERS, _CLOSERS = "([«", ")]»"


def unclosed(text: str) -> list[int]:
    """Where the brackets still open at the end of `text` begin (a closer closes the innermost)."""
    opened: list[int] = []
    for at, char in enumerate(text):
        if char in _OPENERS:
            opened.append(at)
        elif char in _CLOSERS and opened:
            opened.pop()
    return opened


def still_open(text: str) -> str:
    """The closing brackets a cut text needs, innermost first: "(a [b" gives "])"."""
    return "".join(_CLOSERS[_OPENERS.index(text[at])] for at in reversed(unclosed(text)))


def esc(text: Any) -> str:
    """Escape for Graphviz HTML-like labels."""
    return html.escape("" if text is None else str(text), quote=True)


def norsk(items: Iterable[Any], key=lambda x: x) -> list[Any]:
    return sorted(items, key=lambda item: sort_key(key(item)))


# ---------------------------------------------------------------------------------------------
# Cypher helpers: engine-neutral text with every value a parameter

def live(var: str) -> str:
    """Period filter for one variable against $as_of (both engines)."""
    return (f"({var}.valid_from IS NULL OR {var}.valid_from <= $as_of) "
            f"AND ({var}.valid_to IS NULL OR {var}.valid_to >= $as_of)")


def anchor(engine: "Engine") -> str:
    """Label for a node found by id: Neo4j indexes ids under :Entity; LadybugDB has one label."""
    return ":Entity" if engine.dialect == "neo4j" else ""


def rel_type(engine: "Engine", var: str = "r") -> str:
    return f"type({var})" if engine.dialect == "neo4j" else f"label({var})"


def node_by_id(engine: "Engine", node_id: str) -> dict[str, Any] | None:
    from .from_index import node_label
    label = node_label(engine, node_id)  # with no label LadybugDB scans every table
    rows = engine.read(f"MATCH (n{':' + label if label else anchor(engine)}) WHERE n.id = $id "
                       "RETURN n AS node, labels(n) AS type", {"id": node_id})
    if not rows:
        return None
    node = dict(rows[0]["node"])
    node["type"] = rows[0]["type"]
    for key in ("valid_from", "valid_to", "date"):
        if key in node:
            node[key] = parse_date(node[key])
    return node


def is_live(node: dict[str, Any], as_of: dt.date) -> bool:
    start, end = parse_date(node.get("valid_from")), parse_date(node.get("valid_to"))
    return (start is None or start <= as_of) and (end is None or end >= as_of)


def period_no(node: dict[str, Any]) -> str:
    start, end = parse_date(node.get("valid_from")), parse_date(node.get("valid_to"))
    if not start and not end:
        return "uten periode"
    return f"{date_no(start) or '…'}–{date_no(end) or '…'}"


def resolve_as_of(node: dict[str, Any], as_of: Any) -> tuple[dt.date, str]:
    """The date to draw: the one asked for (which must lie in the node's period), or today –
    and when the node has ended (or not started) by today, its last (or first) valid day."""
    asked = parse_date(as_of)
    name = node.get("name") or node.get("title") or node["id"]
    if asked is not None:
        if not is_live(node, asked):
            raise ChartError(f"{node['id']} ({name}) is not valid on {asked.isoformat()}; "
                             f"its period is {period_no(node)}")
        return asked, ""
    today = dt.date.today()
    if is_live(node, today):
        return today, ""
    end, start = parse_date(node.get("valid_to")), parse_date(node.get("valid_from"))
    if end and end < today:
        return end, "siste gyldige dag"
    return start, "første gyldige dag"


def require_node(engine: "Engine", node_id: str, types: tuple[str, ...], what: str) -> dict[str, Any]:
    node = node_by_id(engine, node_id)
    if node is None:
        raise ChartError(f"no node with id {node_id!r}")
    if node["type"] not in types:
        article = "an" if node["type"][:1] in "AEIOU" else "a"
        raise ChartError(f"{node_id!r} is {article} {node['type']}; {what} needs one of {', '.join(types)}")
    return node


def at_least(name: str, value: int, least: int) -> None:
    """The same check for every whole-number option, whether it comes from the CLI or over HTTP."""
    if value < least:
        raise ChartError(f"{name} must be {least} or more, got {value}")


# ---------------------------------------------------------------------------------------------
# The drawn model

class Note(str):
    """A box line about the box rather than what it holds (its kind, årsverk, "+N flere"): set in
    small grey type. Marked where it is made – a mandate may well end in "årsverk"."""


@dataclass
class Box:
    id: str
    kind: str  # org | unit | post | member | more | stack | agreement | service | system | forum | group | event ...
    title: str
    lines: list[str] = field(default_factory=list)
    type: str = ""  # node type in the graph (Organisation, Unit, ...), '' for drawn-only boxes
    subkind: str = ""  # the node's own kind (municipality, staff, proposed ...)
    vacant: bool = False
    acting: bool = False
    status: str = ""  # diff: added | ended | moved | changed
    hidden: int = 0  # for 'more' boxes: how many things are folded into it
    rows: list["Box"] = field(default_factory=list)  # for 'stack' boxes: the boxes listed in it
    attrs: dict[str, str] = field(default_factory=dict)
    left: bool = False  # left-align the lines (long texts)

    def text(self) -> str:
        return "\n".join([self.title, *self.lines])


@dataclass
class Link:
    tail: str
    head: str
    kind: str  # line | dotted | member | party | covers | depends | establishes | belongs | fold | ...
    label: str = ""
    constraint: bool = True
    status: str = ""
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def dashed(self) -> bool:
        return self.attrs.get("style", "").startswith("dashed") or self.kind == "dotted"


@dataclass
class Chart:
    kind: str
    root: str
    title: str
    as_of: dt.date | None
    subtitle: str = ""
    boxes: dict[str, Box] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    same_rank: list[list[str]] = field(default_factory=list)
    clusters: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name → (label, ids)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (sample html, meaning)
    summary: list[str] = field(default_factory=list)  # listed under the picture (diff, deps)
    rankdir: str = "TB"
    where: dict[str, str] = field(default_factory=dict)  # box id → the graphviz node[:port] drawing it

    def add(self, box: Box) -> Box:
        self.boxes.setdefault(box.id, box)
        return self.boxes[box.id]

    def link(self, tail: str, head: str, kind: str, label: str = "", **attrs: Any) -> Link:
        constraint = attrs.pop("constraint", True)
        status = attrs.pop("status", "")
        edge = Link(tail, head, kind, label, constraint, status, {k: str(v) for k, v in attrs.items()})
        self.links.append(edge)
        return edge

    def find(self, text: str) -> list[Box]:
        """Boxes whose text (or a stacked row's text) contains `text` – for tests and checks."""
        found = []
        for box in self.boxes.values():
            if text in box.text():
                found.append(box)
            found += [row for row in box.rows if text in row.text()]
        return found

    def links_between(self, tail: str, head: str) -> list[Link]:
        return [l for l in self.links if l.tail == tail and l.head == head]

    # --- Graphviz -----------------------------------------------------------------------------
    def graph(self) -> "graphviz.Digraph":
        return to_graphviz(self)

    @property
    def source(self) -> str:
        return self.graph().source


# Colours: calm fills, strong meaning colours only for status (vacant, acting, diff).
FILL = {
    "municipality": "#dbe8f6", "joint": "#e8def3", "org": "#eef1f5", "service_area": "#eef6e8",
    "unit": "#ffffff", "staff": "#fff6d6", "post": "#f7f7f7", "member": "#e1f1f1", "more": "#f2f2f2",
    "agreement": "#e9f5e4", "proposed": "#fffbe6", "ended": "#eeeeee", "service": "#fdebd7",
    "system": "#ececec", "forum": "#e6f0ea", "person": "#ffffff", "event": "#fde2e2",
}
STATUS_COLOUR = {"added": "#1a7f37", "ended": "#c62828", "moved": "#d97706", "changed": "#7c3aed"}
STATUS_NO = {**STATUS_NO}
DIFF_NO = {"added": "ny", "ended": "avsluttet", "moved": "flyttet", "changed": "endret"}


def fill_key(box: Box) -> str:
    """The kind of box its fill shows (a key of FILL, or the box's own kind if FILL has none)."""
    if box.kind in ("org", "member"):
        if box.subkind == "municipality":
            return "municipality"
        if box.subkind in JOINT_KINDS:
            return "joint"
        return box.kind
    if box.kind == "unit":
        return box.subkind if box.subkind in FILL else "unit"
    if box.kind == "agreement":
        return box.subkind if box.subkind in ("proposed", "ended") else "agreement"
    return box.kind


def box_fill(box: Box) -> str:
    return FILL.get(fill_key(box), "#ffffff")


def _cell_html(box: Box, size: int = 10) -> str:
    """The inner HTML of one box: bold title, then its lines; Vakant/fungerende coloured."""
    joiner = '<BR ALIGN="LEFT"/>' if box.left else "<BR/>"
    parts = [joiner.join(f"<B>{esc(t)}</B>" for t in wrap(box.title, 34) or [""])]
    for line in box.lines:
        text = esc(line)
        if line == VACANT:
            text = f'<FONT COLOR="#b00020"><I>{text}</I></FONT>'
        elif line == UNKNOWN:
            text = f'<FONT COLOR="#6b7280"><I>{text}</I></FONT>'
        elif any(f"({c})" in line for c in CAPACITY.values()):
            text = f'<FONT COLOR="#b45309"><I>{text}</I></FONT>'
        elif isinstance(line, Note):
            text = f'<FONT POINT-SIZE="{size - 1}" COLOR="#555555">{text}</FONT>'
        parts.append(text)
    if box.left:
        return '<BR ALIGN="LEFT"/>'.join(parts) + '<BR ALIGN="LEFT"/>'
    return "<BR/>".join(parts)


def box_label(box: Box) -> str:
    colour = STATUS_COLOUR.get(box.status)
    inner = _cell_html(box)
    if colour:
        inner += f'<BR/><FONT POINT-SIZE="8" COLOR="{colour}"><B>{esc(DIFF_NO[box.status].upper())}</B></FONT>'
    return f"<{inner}>"


def stack_label(box: Box) -> str:
    rows = []
    for row in box.rows:
        colour = STATUS_COLOUR.get(row.status)
        extra = (f'<BR/><FONT POINT-SIZE="8" COLOR="{colour}"><B>{esc(DIFF_NO[row.status].upper())}</B></FONT>'
                 if colour else "")
        border = f' COLOR="{colour}"' if colour else ""
        rows.append(f'<TR><TD PORT="{esc(_port(row.id))}" BGCOLOR="{box_fill(row)}" ALIGN="LEFT"'
                    f' BALIGN="LEFT"{border}>{_cell_html(row, 9)}{extra}</TD></TR>')
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="4" COLOR="#7a8794">'
            + "".join(rows) + "</TABLE>>")


def _port(node_id: str) -> str:
    return "p_" + "".join(c if c.isalnum() else "_" for c in node_id)


def title_label(chart: Chart) -> str:
    # a long name on one line would make the picture wider than its boxes (and a page's scale smaller)
    title = '<BR ALIGN="LEFT"/>'.join(esc(line) for line in wrap(chart.title, 80))
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="16"><B>{title}</B></FONT></TD></TR>']
    if chart.subtitle:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="#444444">{esc(chart.subtitle)}'
                    f'</FONT></TD></TR>')
    for line in chart.summary:
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9">{line}</FONT></TD></TR>')
    if chart.legend:
        items = "   ".join(f'{sample} <FONT POINT-SIZE="9">{esc(meaning)}</FONT>' for sample, meaning in chart.legend)
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9"><B>Forklaring:</B></FONT>  {items}</TD></TR>')
    return '<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def summary_label(chart: Chart) -> str:
    rows = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{line}</TD></TR>' for line in chart.summary)
    return ('<<TABLE BORDER="1" COLOR="#999999" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
            f'BGCOLOR="#fbfbfb">{rows}</TABLE>>')


def legend_line(colour: str = "#333333", style: str = "solid", text: str = "") -> str:
    """A legend sample: a short line drawn with characters (solid ━, dashed ╍, dotted ┈)."""
    glyph = {"solid": "───", "dashed": "╌╌╌", "dotted": "┈┈┈", "bold": "━━━"}[style]
    return f'<FONT COLOR="{colour}" POINT-SIZE="{12 if style == "bold" else 10}">{glyph}</FONT>'


def legend_box(colour: str, text: str = "") -> str:
    """A legend sample for a kind of box: a coloured square (and short text)."""
    return f'<FONT COLOR="{colour}" POINT-SIZE="11">■</FONT>' + (
        f'<FONT POINT-SIZE="8">{esc(text)}</FONT>' if text else "")


def holder_legend(chart: Chart) -> list[tuple[str, str]]:
    """Legend entries for the holder markings the chart's boxes use (Vakant, ikke oppgitt,
    fungerende …), and only those."""
    lines = {line for box in chart.boxes.values() for b in [box, *box.rows] for line in b.lines}
    marks = [(VACANT, "#b00020", "ubesatt"), (UNKNOWN, "#6b7280", "innehaver ikke oppgitt"),
             (f"({CAPACITY['acting']})", "#b45309", "fungerende leder"),
             (f"({CAPACITY['constituted']})", "#b45309", "konstituert"),
             (f"({CAPACITY['temporary']})", "#b45309", "midlertidig innehaver")]
    return [(f'<FONT COLOR="{colour}" POINT-SIZE="9"><I>{esc(mark)}</I></FONT>', meaning)
            for mark, colour, meaning in marks
            if any(line == mark or (mark.startswith("(") and line.endswith(mark)) for line in lines)]


def to_graphviz(chart: Chart) -> "graphviz.Digraph":
    import graphviz

    g = graphviz.Digraph(name=f"{chart.kind}_{chart.root}")
    g.attr(rankdir=chart.rankdir, fontname=FONT, labelloc="t", labeljust="l", label=title_label(chart),
           nodesep="0.25", ranksep="0.45", newrank="true", charset="UTF-8", pad="0.3", bgcolor="white")
    g.attr("node", fontname=FONT, fontsize="10", shape="box", style="rounded,filled", color="#5b6b7a",
           margin="0.12,0.06")
    g.attr("edge", fontname=FONT, fontsize="8", color="#4a5561", arrowsize="0.6")

    stacked: dict[str, str] = {}
    for box in chart.boxes.values():
        for row in box.rows:
            stacked[row.id] = f"{box.id}:{_port(row.id)}"

    def draw_box(target, box: Box) -> None:
        attrs = {"fillcolor": box_fill(box), **box.attrs}
        colour = STATUS_COLOUR.get(box.status)
        if colour:
            attrs.update(color=colour, penwidth="2.2")
            if box.status == "ended":
                attrs["style"] = "rounded,filled,dashed"
        if box.kind == "stack":
            attrs.update(shape="plain", style="", label=stack_label(box))
        else:
            attrs["label"] = box_label(box)
        if box.kind == "more":
            attrs.setdefault("style", "rounded,filled,dashed")
            attrs.setdefault("color", "#8a8a8a")
        target.node(box.id, **attrs)
        chart.where[box.id] = box.id
        for row in box.rows:
            chart.where[row.id] = stacked[row.id]

    in_cluster = {i for _, ids in chart.clusters.values() for i in ids}
    for box in chart.boxes.values():
        if box.id not in in_cluster:
            draw_box(g, box)
    for name, (label, ids) in chart.clusters.items():
        with g.subgraph(name=f"cluster_{name}") as sub:
            sub.attr(label=f"<<B>{esc(label)}</B>>", fontname=FONT, fontsize="10", style="rounded,dashed",
                     color="#9aa5b1", labeljust="l")
            for box_id in ids:
                if box_id in chart.boxes:
                    draw_box(sub, chart.boxes[box_id])
    for group in chart.same_rank:
        with g.subgraph() as same:
            same.attr(rank="same")
            for box_id in group:
                same.node(chart.where.get(box_id, box_id).split(":")[0])

    for link in chart.links:
        tail, head = chart.where.get(link.tail, link.tail), chart.where.get(link.head, link.head)
        attrs = dict(link.attrs)
        if link.label:
            attrs["label"] = link.label
        if not link.constraint:
            attrs["constraint"] = "false"
        if link.kind == "dotted":
            attrs.setdefault("style", "dashed")
            attrs.setdefault("color", "#2f6db3")
        colour = STATUS_COLOUR.get(link.status)
        if colour:
            attrs.update(color=colour, fontcolor=colour, penwidth="1.8")
            if link.status == "ended":
                attrs["style"] = "dashed"
        g.edge(tail, head, **attrs)

    return g


def render_graph(g: "graphviz.Digraph", fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ChartError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    if fmt == "dot":  # a text file ends in a newline, whatever the graphviz package's version does
        return (g.source if g.source.endswith("\n") else g.source + "\n").encode("utf-8")
    import graphviz
    try:
        return g.pipe(format=fmt, engine="dot")
    except graphviz.ExecutableNotFound:
        raise ChartError("Graphviz `dot` is not installed (apt-get install -y graphviz fonts-dejavu-core)") \
            from None
    except graphviz.CalledProcessError as exc:
        raise ChartError(f"Graphviz failed: {exc.stderr.decode('utf-8', 'replace')[:500] if exc.stderr else exc}") \
            from None
