"""Org charts and dependency maps with Graphviz (issue 6).

`render(kind, engine, id, as_of, fmt, **opts) -> bytes` draws one chart: kind org, deps, forums,
diff (svg, png, pdf or dot) or hearing (pdf). `build(...)` returns the drawn model (`Chart`) and
`graph(...)` the Graphviz graph object. The command line is in `orggraph.viz.cli`.
"""
from .common import Chart, ChartError
from .render import KINDS, MEDIA_TYPES, build, graph, render

__all__ = ["Chart", "ChartError", "KINDS", "MEDIA_TYPES", "build", "graph", "render"]
