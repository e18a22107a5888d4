"""One entry point for every chart: `build` returns the drawn model, `render` the bytes.

    render("org", engine, "isk", "2010-01-01", "svg", depth=2) -> bytes

so an HTTP layer can serve `/charts/org/{id}.svg?asOf=…` with one call.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orggraph.queries.line_index import question

from .common import FORMATS, Chart, ChartError, render_graph

if TYPE_CHECKING:
    import graphviz

    from orggraph.engine.base import Engine

KINDS = ("org", "deps", "forums", "diff", "hearing")
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
               "dot": "text/vnd.graphviz; charset=utf-8"}


# More boxes than this is no longer a chart anyone reads, and Graphviz takes seconds to minutes
# over it: refused before it is laid out (a server must not be made to draw the whole country).
MAX_BOXES = 1500


def build(kind: str, engine: "Engine", node_id: str, as_of: Any = None, **opts: Any) -> Chart:
    """The drawn model of one chart (boxes, links, summary); `.graph()` gives the Graphviz graph.
    A chart of more than MAX_BOXES boxes is a ChartError saying what to ask for instead."""
    with question(engine):  # its levels and steps are one question to the line index
        chart = _build(kind, engine, node_id, as_of, **opts)
    if len(chart.boxes) > MAX_BOXES:
        smaller = {"org": "a smaller depth or max-children", "deps": "fewer steps or a smaller max-group",
                   "forums": "a smaller depth"}.get(kind, "a shorter period or a smaller part")
        raise ChartError(f"this chart would draw {len(chart.boxes):,} boxes, more than the {MAX_BOXES:,} a "
                         f"chart can show legibly; ask for {smaller}")
    return chart


def _build(kind: str, engine: "Engine", node_id: str, as_of: Any = None, **opts: Any) -> Chart:
    if kind == "org":
        from .org import org_chart
        return org_chart(engine, node_id, as_of, **opts)
    if kind == "deps":
        from .deps import deps_chart
        return deps_chart(engine, node_id, as_of, **opts)
    if kind == "forums":
        from .forums import forums_chart
        return forums_chart(engine, node_id, as_of, **opts)
    if kind == "diff":
        from .diff import diff_chart
        date_from = opts.pop("date_from", None)
        date_to = opts.pop("date_to", None) or as_of
        return diff_chart(engine, node_id, date_from, date_to, **opts)
    raise ChartError(f"unknown chart {kind!r}: use {', '.join(KINDS)}")


def graph(kind: str, engine: "Engine", node_id: str, as_of: Any = None, **opts: Any) -> "graphviz.Digraph":
    """The Graphviz graph object of one chart."""
    return build(kind, engine, node_id, as_of, **opts).graph()


def render(kind: str, engine: "Engine", node_id: str, as_of: Any = None, fmt: str = "svg", **opts: Any) -> bytes:
    """Render a chart to svg, png, pdf or dot (Graphviz source); `hearing` renders only to pdf."""
    if kind == "hearing":
        if fmt != "pdf":
            raise ChartError("the hearing pack is a PDF: use format pdf")
        from .hearing import hearing_pdf
        with question(engine):
            return hearing_pdf(engine, node_id, as_of, **opts)
    if fmt not in FORMATS:
        raise ChartError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    return render_graph(graph(kind, engine, node_id, as_of, **opts), fmt)
