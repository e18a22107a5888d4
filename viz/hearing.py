"""Hearing pack (høringsinnspill) after the template in seed 004: "Maks 2 sider + organisasjonskart".

Sections as in the template: ORGANISERING OG LEDERNIVÅ, ANSVAR, MØTEPLASSER (how often, authority,
roles, mandate) and ANNET. The text is set on at most two A4 pages – if it does not fit, the font
shrinks and long texts are cut in steps until it does – followed by the org chart on as many A4
pages as it needs to stay readable (chart_pages.py). One PDF; reportlab writes the text, Graphviz
the chart, pypdf joins them.
"""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from .common import (STATUS_NO, UNKNOWN, ChartError, ROLE_NO, anchor, at_least, date_no, fte_no, holder_text,
                     kind_no, live, parse_date, render_graph, still_open, unclosed)
from .chart_pages import chart_pages
from .forums import fetch_forums, frequency_text, kind_and_seats
from .org import drawn_levels, fetch_tree, levels_no, org_chart
from .posts import member_name

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

MAX_TEXT_PAGES = 2
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")


def _font_file(name: str) -> str:
    for folder in _FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    try:
        pattern = "DejaVu Sans:bold" if "Bold" in name else "DejaVu Sans"
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                               check=False).stdout.strip()
        if found and Path(found).exists() and "DejaVu" in found:
            return found
    except OSError:
        pass
    raise ChartError("the DejaVu Sans font is missing (apt-get install -y fonts-dejavu-core)")


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("DejaVuSans", _font_file("DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", _font_file("DejaVuSans-Bold.ttf")))
    from reportlab.lib.fonts import addMapping
    addMapping("DejaVuSans", 0, 0, "DejaVuSans")
    addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
    addMapping("DejaVuSans", 0, 1, "DejaVuSans")
    addMapping("DejaVuSans", 1, 1, "DejaVuSans-Bold")


# ---------------------------------------------------------------------------------------------
# Facts for the text

def _details(engine: "Engine", ids: list[str], as_of: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {"description": {}, "services": {}, "decisions": [], "agreements": []}
    if not ids:
        return out
    for label in ("Organisation", "Unit"):
        for row in engine.read(f"MATCH (n:{label}) WHERE n.id IN $ids RETURN n.id AS id, n.description AS d",
                               {"ids": ids}):
            if row["d"]:
                out["description"][row["id"]] = row["d"]
    rows = engine.read(f"""
UNWIND $ids AS uid
MATCH (u{anchor(engine)})-[r:DELIVERS]->(s:Service)
WHERE u.id = uid AND {live('r')} AND {live('s')}
RETURN uid AS unit, s.name AS name""", {"ids": ids, "as_of": as_of})
    for row in rows:
        out["services"].setdefault(row["unit"], []).append(row["name"])
    out["decisions"] = engine.read(f"""
UNWIND $ids AS uid
MATCH (d:Decision)-[c:CONCERNS]->(x{anchor(engine)})
WHERE x.id = uid
RETURN DISTINCT d.id AS id, d.title AS title, d.date AS date, d.date_note AS date_note, d.outcome AS outcome""",
                                   {"ids": ids})
    # a pack as of a date lists what was decided (or met) by then, not what came later; an undated
    # decision is kept, as nothing says it is later
    out["decisions"] = [d for d in out["decisions"]
                        if parse_date(d.get("date")) is None or parse_date(d["date"]) <= as_of]
    return out


def _trim(text: str | None, limit: int | None) -> str:
    """The text, or with `limit` its first words within that many characters and " …" – never
    cut inside a word nor left with a bracket open."""
    text = " ".join(str(text or "").split())
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    opened = unclosed(cut)
    if opened and cut[:opened[0]].strip():
        cut = cut[:opened[0]]  # drop the open aside rather than leave it hanging
    elif opened:  # the whole kept text is inside it: close it after the mark
        return cut.rstrip(" ,.;:–-") + " …" + still_open(cut)
    return cut.rstrip(" ,.;:–-") + " …"


def _end(text: str) -> str:
    """A sentence's end: a full stop unless it has one (or a trimmed text's " …")."""
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _first(items: list, count: int | None) -> list:
    return items if count is None else items[:count]


def _who(text: str) -> str:
    """A holder in running text: "ikke oppgitt" alone would read as if the post were unnamed."""
    return f"innehaver {UNKNOWN}" if text == UNKNOWN else text


def _facts(engine: "Engine", root_id: str, as_of: Any, depth: int) -> dict[str, Any]:
    """Everything the text says, read once: the text is then set in several sizes until it fits."""
    at_least("depth", depth, 0)
    tree = fetch_tree(engine, root_id, as_of, what="a hearing pack")
    day = tree.as_of
    forums = fetch_forums(engine, root_id, day, depth=depth, tree=tree)
    shown = [n for n in tree.nodes.values() if n.level <= depth]
    facts = _details(engine, [n.id for n in shown if n.type != "Post"], day)
    if tree.root.type == "Organisation":
        facts["agreements"] = engine.query("agreements_of", id=root_id, as_of=day)
    return {**facts, "tree": tree, "forums": forums, "shown": shown, "depth": depth, "as_of": day,
            "name": tree.root.name}


def _story(info: dict[str, Any], size: float, limit: int | None, max_rows: int | None) -> list:
    """The text as reportlab flowables; `limit` cuts long texts, `max_rows` long lists (None: whole)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    tree, forums, shown, depth, day = info["tree"], info["forums"], info["shown"], info["depth"], info["as_of"]
    root_id = tree.root.id
    units = [n for n in shown if n.type != "Post"]
    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=size, leading=size * 1.3, spaceAfter=size * 0.3)
    small = ParagraphStyle("small", parent=base, fontSize=size - 1, leading=(size - 1) * 1.25, spaceAfter=1)
    h1 = ParagraphStyle("h1", parent=base, fontName="DejaVuSans-Bold", fontSize=size + 5, leading=(size + 5) * 1.25,
                        spaceAfter=size * 0.6)
    h2 = ParagraphStyle("h2", parent=base, fontName="DejaVuSans-Bold", fontSize=size + 1.5,
                        leading=(size + 1.5) * 1.3, spaceBefore=size * 0.9, spaceAfter=size * 0.3,
                        textColor=colors.HexColor("#1f3b57"), keepWithNext=1)  # never alone at a page foot
    e = lambda t: escape(str(t or ""))  # noqa: E731
    root = tree.root
    story: list = [Paragraph(f"Innspill til høringsdokument: «Organisering av {e(root.name)}»", h1)]
    head = root.heads[0] if root.heads else None
    sender = f"{e(head.title)} ({e(', '.join(_who(h) for h in head.holder_lines()))})" if head else "–"
    story.append(Paragraph(f"<b>Fra:</b> {sender} &nbsp;&nbsp; <b>Dato:</b> {date_no(day)}"
                           + (f" ({e(tree.note)})" if tree.note else "")
                           + " &nbsp;&nbsp; <b>Omfang:</b> maks 2 sider + organisasjonskart", small))

    # ORGANISERING OG LEDERNIVÅ
    story.append(Paragraph("Organisering og ledernivå", h2))
    levels: dict[int, list] = {}
    for node in shown:
        levels.setdefault(node.level, []).append(node)
    table = [["Nivå", "Enhet / stilling", "Leder", "Innehaver", "Årsverk"]]
    for level in sorted(levels):
        nodes = sorted(levels[level], key=lambda n: (n.type == "Post", sort_key(n.name)))
        for node in _first(nodes, max_rows):
            if node.type == "Post":
                holders = ", ".join(h.text() for h in node.holders) or holder_text(None, None, node.was_held)
                row = [str(level + 1), node.name, "(stilling)", holders, ""]
            else:
                kind = f" ({kind_no(node.kind)})" if node.kind and node.kind != "unit" else ""
                titles = "; ".join(h.title for h in node.heads) or "–"
                holders = "; ".join(", ".join(h.holder_lines()) for h in node.heads) or "–"
                row = [str(level + 1), node.name + kind, titles, holders, fte_no(node.fte).replace(" årsverk", "")]
            table.append([Paragraph(e(c), small) for c in row])
        if len(_first(nodes, max_rows)) < len(nodes):
            table.append([Paragraph(e(c), small) for c in
                          [str(level + 1), f"+{len(nodes) - max_rows} flere på dette nivået (se kartet)", "", "", ""]])
    below = sum(1 for n in tree.nodes.values() if n.level > depth)
    widths = [11 * mm, 58 * mm, 44 * mm, 44 * mm, 19 * mm]
    grid = Table(table, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "DejaVuSans-Bold"), ("FONTSIZE", (0, 0), (-1, 0), size - 1),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    story.append(grid)
    # in the chart's own words, so the text and the chart page say the same
    under = drawn_levels(tree, depth)
    levels_text = (f"Toppnivået (nivå 1) og {levels_no(under)} under" if under else "Bare toppnivået") \
        + ", som i organisasjonskartet."
    if below:
        levels_text += f" {below} enheter/stillinger lenger ned står samlet i kartets «+N flere»-bokser."
    story.append(Paragraph(levels_text, small))

    # ANSVAR
    story.append(Paragraph("Ansvar", h2))
    described = [n for n in sorted(units, key=lambda n: (n.level, sort_key(n.name)))
                 if n.id == root_id or info["description"].get(n.id) or info["services"].get(n.id) or n.level <= 1]
    for node in _first(described, max_rows and max_rows * 2):
        parts = []
        if node.kind:
            parts.append(kind_no(node.kind))
        if node.fte is not None:
            parts.append(fte_no(node.fte))
        text = f"<b>{e(node.name)}</b>" + (f" ({e(', '.join(parts))})" if parts else "")
        if info["description"].get(node.id):
            text += ": " + e(_trim(info["description"][node.id], limit))
        if info["services"].get(node.id):
            text += f" <i>Tjenester:</i> {e(', '.join(sorted(info['services'][node.id], key=sort_key)))}."
        story.append(Paragraph(text, base))
    left_out = len(described) - len(_first(described, max_rows and max_rows * 2))
    if left_out:
        story.append(Paragraph(f"+{left_out} flere enheter (se kartet).", small))
    if info["agreements"]:
        agreements = sorted(info["agreements"], key=lambda a: sort_key(a["name"]))
        listed = "; ".join(f"{a['name']} ({ROLE_NO.get(a['role'], a['role'])}, {STATUS_NO.get(a['status'], a['status'])})"
                           for a in _first(agreements, max_rows))
        more = f" og {len(agreements) - max_rows} til" if max_rows and len(agreements) > max_rows else ""
        story.append(Paragraph(f"<b>Samarbeidsavtaler ({len(agreements)}):</b> "
                               f"{e(_trim(listed, limit and limit * 3))}{more}", base))
    if not described and not info["agreements"]:
        story.append(Paragraph("Ingen ansvarsbeskrivelser registrert.", base))

    # MØTEPLASSER
    story.append(Paragraph("Møteplasser", h2))
    if not forums.forums:
        story.append(Paragraph("Ingen møteplasser registrert på denne datoen.", base))
    listed_forums = sorted(forums.forums.items(), key=lambda kv: sort_key(kv[1]["name"]))
    for forum_id, forum in _first(listed_forums, max_rows):
        bits = [f"<b>{e(forum['name'])}</b> {e(kind_and_seats(forum))}"]
        freq = frequency_text(forum)
        bits.append(f"<i>Hvor ofte:</i> {e(freq) if freq else 'ikke oppgitt'}.")
        members = forums.members.get(forum_id, [])
        if members:
            who = []
            for m in sorted(members, key=lambda r: sort_key(member_name(r, forums.clash))):
                name = member_name(m, forums.clash)
                if m["type"] == "Post":
                    name += f" ({_who(holder_text(m.get('holder'), m.get('capacity'), m.get('was_held')))})"
                who.append(name + (f" – {m['role']}" if m.get("role") else ""))
            bits.append(f"<i>Roller:</i> {e(_end(_trim('; '.join(who), limit)))}")
        heads = forums.heads.get(forum_id, [])
        if heads:  # every leader: a forum may be led by two (kommunalsjef and stabsleder)
            leaders = "; ".join(f"{h.title} ({', '.join(_who(x) for x in h.holder_lines())})" for h in heads)
            bits.append(f"<i>{'Leder' if len(heads) == 1 else 'Ledere'}:</i> {e(leaders)}.")
        if forum.get("mandate"):
            bits.append(f"<i>Mandat:</i> {e(_trim(forum['mandate'], limit))}")
        if forum.get("authority"):
            bits.append(f"<i>Myndighet:</i> {e(_trim(forum['authority'], limit))}")
        story.append(Paragraph(" ".join(bits), base))
    if max_rows and len(forums.forums) > max_rows:
        story.append(Paragraph(f"+{len(forums.forums) - max_rows} flere møteplasser (se "
                               f"<i>orggraph chart forums {e(root_id)}</i>).", small))

    # ANNET
    story.append(Paragraph("Annet", h2))
    decisions = sorted(info["decisions"], key=lambda d: (str(d.get("date") or ""), sort_key(d["title"])))
    if decisions:
        for d in _first(decisions, max_rows):
            when = date_no(d["date"]) if isinstance(d.get("date"), dt.date) else (d.get("date_note") or "udatert")
            outcome = {"adopted": "vedtatt", "rejected": "avvist", "postponed": "utsatt", "referred": "oversendt",
                       "noted": "tatt til orientering"}.get(d.get("outcome"), "utfall ikke registrert")
            story.append(Paragraph(f"{e(d['title'])} – {e(_trim(when, 60))} ({outcome}).", small))
        if max_rows and len(decisions) > max_rows:
            story.append(Paragraph(f"+{len(decisions) - max_rows} flere vedtak.", small))
    else:
        story.append(Paragraph(f"Ingen vedtak registrert om enhetene per {date_no(day)}.", small))
    story.append(Spacer(1, size))
    follows = "på neste side" if info.get("chart_pages", 1) == 1 else f"på de neste {info['chart_pages']} sidene"
    story.append(Paragraph(f"Laget av orggraph fra grafen per {date_no(day)}. Organisasjonskartet følger {follows}.",
                           small))
    return story


#: (font size, longest text, most rows of a list) tried in turn: first the whole text in smaller
#: print, then long texts and lists cut shorter and shorter (None: not cut)
ATTEMPTS = [(10, None, None), (9, None, None), (8.5, None, None), (8.5, 800, 20), (8.5, 500, 14),
            (8, 400, 12), (8, 300, 10), (8, 220, 8), (7.5, 160, 6), (7.5, 110, 5), (7, 80, 4)]


def _text_pdf(engine: "Engine", root_id: str, as_of: Any, depth: int, info: dict[str, Any] | None = None,
              chart_count: int = 1) -> tuple[bytes, int, dict[str, Any]]:
    """The text part: whole if it fits on two pages, in the largest print that does; else cut in
    steps until it fits."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    info = {**(info or _facts(engine, root_id, as_of, depth)), "chart_pages": chart_count}
    for size, limit, max_rows in ATTEMPTS:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=15 * mm,
                                bottomMargin=15 * mm, title=f"Innspill – {info['name']}", author="orggraph")
        doc.build(_story(info, size, limit, max_rows))
        data = buffer.getvalue()
        pages = len(PdfReader(io.BytesIO(data)).pages)
        if pages <= MAX_TEXT_PAGES:
            return data, pages, info
    raise ChartError(f"the hearing text for {root_id} does not fit on {MAX_TEXT_PAGES} pages even in small print")


def hearing_pdf(engine: "Engine", root_id: str, as_of: Any = None, depth: int = 2, chart_depth: int | None = None) -> bytes:
    """Hearing pack: ≤ 2 A4 text pages + the org chart on A4 page(s), as one PDF."""
    from pypdf import PdfReader, PdfWriter

    _register_fonts()  # the chart pages' headers use it too
    info = _facts(engine, root_id, as_of, depth)
    # the chart draws the levels the text lists, so both count them alike
    chart = org_chart(engine, root_id, info["as_of"], depth=chart_depth if chart_depth is not None else depth,
                      tree=info["tree"])
    pages = chart_pages(render_graph(chart.graph(), "pdf"))
    text, _pages, info = _text_pdf(engine, root_id, as_of, depth, info=info, chart_count=len(pages))
    writer = PdfWriter()
    for page in [*PdfReader(io.BytesIO(text)).pages, *pages]:
        writer.add_page(page)
    writer.add_metadata({"/Title": f"Innspill – {info['name']}", "/Producer": "orggraph"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
