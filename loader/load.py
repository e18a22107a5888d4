"""The loader's front door: read, validate (against the files and the graph), then write."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from orggraph.engine.base import Engine
from orggraph.schema import NODES

from orggraph.interpreter import collector_paused
from .items import Parsed, RelItem
from .problems import ValidationFailed
from .read import read_all
from .stored import context, held
from .validate import Known, validate
from .write import LoadReport, Progress, any_node_statement, plan_size, write_items


#: above this many ids to resolve, one read of every node beats lookups by id (5 000 a statement)
SCAN_ABOVE = 20_000


def graph_lookup(engine: Engine, every: dict[str, str | None] | None = None
                 ) -> Callable[[list[str]], dict[str, Known]]:
    """Resolve ids the files do not define from what the graph already holds.

    Answers are remembered, so validation and the label look-up after it ask the graph once.
    A reload of national data names every id the graph holds: then the graph is read whole, once,
    and `every` (if given) gets each node's dataset, which loader.stored.held then need not read."""
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
                for node_id, valid_from, valid_to, dataset in engine.tuples(
                        f"MATCH (n:{node.label})", ["n.id", "n.valid_from", "n.valid_to", "n.dataset"]):
                    asked[node_id] = Known(node.label, valid_from, valid_to, None)
                    if every is not None:
                        every[node_id] = dataset
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
    #: ids of the nodes a load would remove: the datasets hold them, their files no longer list them
    leaving: list[str] = field(default_factory=list)
    #: the API's relationships the files state again: the write replaces them with the files'
    replaced: list[RelItem] = field(default_factory=list)


@dataclass
class Loaded(LoadReport):
    removed: list[str] = field(default_factory=list)  # the ids of the removed_nodes


def check(paths: list[Path], engine: Engine | None = None,
          start_progress: Callable[[int], Progress] | None = None) -> Checked:
    """Parse and validate; raises ValidationFailed listing every problem at once. `start_progress`
    is told the kilobytes to read, then each file's as it is read."""
    with collector_paused():
        parsed, files = read_all(paths, start_progress)  # each dataset's file
        datasets = list(files)
        # nothing to look up in an empty graph (a first load): skip the id look-ups and the scans
        graph = engine if engine is not None and not is_empty(engine) else None
        lookup, stored, found = None, None, None
        if graph is not None:
            every: dict[str, str | None] = {}
            lookup = graph_lookup(graph, every)
            stored = context(graph, parsed, datasets)
            found = held(graph, parsed, datasets, lookup, every, files)
        problems = validate(parsed, lookup, stored, found)
        if problems:
            raise ValidationFailed(problems)
        labels = {n.id: n.label for n in parsed.nodes}
        if lookup is not None:
            ends = {r.source for r in parsed.rels} | {r.target for r in parsed.rels}
            missing = sorted(ends - set(labels))
            labels.update({k: v.label for k, v in lookup(missing).items()})
    return Checked(parsed, datasets, labels, sorted(found.leaving) if found else [],
                   found.replaced if found else [])


def load(engine: Engine, paths: list[Path],
         start_progress: Callable[[int], Progress] | None = None,
         start_reading: Callable[[int], Progress] | None = None) -> Loaded:
    """Load files atomically: a problem anywhere means nothing is written. `start_progress` counts
    the rows written, `start_reading` the kilobytes read (see check)."""
    checked = check(paths, engine, start_reading)
    parsed = checked.parsed
    progress = start_progress(plan_size(parsed.nodes, parsed.rels)) if start_progress else None
    report = write_items(engine, checked.datasets, parsed.nodes, parsed.rels, checked.labels, progress,
                         checked.replaced)
    # the write removes what validation found unless the graph changed in between (Neo4j, another
    # writer): then only the count is sure
    removed = checked.leaving if len(checked.leaving) == report.removed_nodes else []
    return Loaded(**vars(report), removed=removed)
