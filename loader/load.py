"""The loader's front door: read, validate (against the files and the graph), then write."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from orggraph.engine.base import Engine
from orggraph.schema import NODES

from orggraph.interpreter import collector_paused
from .items import Parsed
from .problems import ValidationFailed
from .read import read_all
from .stored import context
from .validate import Known, validate
from .write import LoadReport, Progress, any_node_statement, plan_size, write_items


#: above this many ids to resolve, one read of every node beats lookups by id (5 000 a statement)
SCAN_ABOVE = 20_000


def graph_lookup(engine: Engine) -> Callable[[list[str]], dict[str, Known]]:
    """Resolve ids the files do not define from what the graph already holds.

    Answers are remembered, so validation and the label look-up after it ask the graph once.
    A reload of national data names every id the graph holds: then the graph is read whole, once."""
    asked: dict[str, Known | None] = {}
    whole = False  # every node of the graph is in `asked`

    def remember(rows: list[dict]) -> None:
        for row in rows:
            asked[row["id"]] = Known(row["type"], row["valid_from"], row["valid_to"], None)

    def lookup(ids: list[str]) -> dict[str, Known]:
        nonlocal whole
        new = [] if whole else [i for i in ids if i not in asked]
        if len(new) > SCAN_ABOVE:  # every node's type and period: a read per node table
            for node in NODES:
                for node_id, valid_from, valid_to in engine.tuples(
                        f"MATCH (n:{node.label})", ["n.id", "n.valid_from", "n.valid_to"]):
                    asked[node_id] = Known(node.label, valid_from, valid_to, None)
            whole, new = True, []
        for start in range(0, len(new), 5000):
            chunk = new[start:start + 5000]
            asked.update(dict.fromkeys(chunk))
            remember(engine.query("nodes_by_id", ids=chunk))
        return {i: asked[i] for i in ids if asked.get(i) is not None}
    return lookup


def is_empty(engine: Engine) -> bool:
    return not engine.read(any_node_statement(engine))


@dataclass
class Checked:
    parsed: Parsed
    datasets: list[str]
    labels: dict[str, str]


def check(paths: list[Path], engine: Engine | None = None) -> Checked:
    """Parse and validate; raises ValidationFailed listing every problem at once."""
    with collector_paused():
        parsed, datasets = read_all(paths)
        # nothing to look up in an empty graph (a first load): skip the id look-ups and the scans
        graph = engine if engine is not None and not is_empty(engine) else None
        lookup = graph_lookup(graph) if graph is not None else None
        stored = context(graph, parsed, datasets) if graph is not None else None
        problems = validate(parsed, lookup, stored)
        if problems:
            raise ValidationFailed(problems)
        labels = {n.id: n.label for n in parsed.nodes}
        if lookup is not None:
            ends = {r.source for r in parsed.rels} | {r.target for r in parsed.rels}
            missing = sorted(ends - set(labels))
            labels.update({k: v.label for k, v in lookup(missing).items()})
    return Checked(parsed, datasets, labels)


def load(engine: Engine, paths: list[Path],
         start_progress: Callable[[int], Progress] | None = None) -> LoadReport:
    """Load files atomically: a problem anywhere means nothing is written."""
    checked = check(paths, engine)
    parsed = checked.parsed
    progress = start_progress(plan_size(parsed.nodes, parsed.rels)) if start_progress else None
    return write_items(engine, checked.datasets, parsed.nodes, parsed.rels, checked.labels, progress)
