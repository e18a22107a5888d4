"""Write validated items to an engine in one transaction.

A load replaces what the given datasets said before: their relationships are
removed and written again, their nodes are merged by id (so facts from other
datasets that point at them stay), and nodes a dataset no longer lists are
removed unless another dataset still points at them. Every statement is
generated from the schema; values only ever travel as parameters.

Cost at national scale (LadybugDB, ~1 million rows): the engine looks an id up in
an UNWIND batch with a hash join over the whole node table, not with its primary-key
index, so every batch costs a table scan and MERGE is the slowest of them. The
loader therefore reads the ids a table already has once, CREATEs the new nodes (in
batches of 20 000) and MATCH..SETs only the ones that exist, and finds stale nodes
by set difference in Python rather than with
`NOT n.id IN $keep`, which LadybugDB checks by walking the list for every node. Existing nodes whose
properties are all unchanged are not written at all (reloading the same files
updates nothing), as each UNWIND ... MATCH ... SET batch costs a table scan.
All of it still runs in the one transaction, and loading the same files twice still
gives the same graph.

On LadybugDB new nodes and all relationships go by its bulk path, `COPY FROM` a
temporary CSV file, inside that same transaction (COPY into tables that already hold
rows works there, and a failed COPY rolls the transaction back): ~20x faster than
parameterised UNWIND batches, whose Python binding types every row and whose
relationship insert costs ~250 µs a row. Updates of existing nodes still go by
UNWIND ... MATCH ... SET.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from orggraph.engine.base import Engine, Tx
from orggraph.errors import OrggraphError
from orggraph.schema import NODE_BY_LABEL, NODES, REL_BY_NAME, RELS

from .items import NodeItem, RelItem

BATCH = 2000
#: a row's columns, in schema order: a node's id first, a relationship's after its two ends
NODE_COLUMNS = {n.label: [p.name for p in n.all_props] for n in NODES}
REL_COLUMNS = {r.name: [p.name for p in r.all_props] for r in RELS}
assert all(columns[0] == "id" for columns in NODE_COLUMNS.values()), "rows are keyed by their first column"
#: rows per CREATE of new nodes (no lookup: fewer, bigger statements); relationships keep
#: BATCH, as LadybugDB's cost per row grows with the batch (measured: 20 000 is 1.3x slower)
NEW_NODE_BATCH = {"ladybug": 20_000}
Progress = Callable[[int], None]


@dataclass
class LoadReport:
    datasets: list[str]
    nodes: int = 0
    relationships: int = 0
    removed_nodes: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading, checking and writing make hundreds of thousands of small objects that all stay
    alive until the write ends; the cyclic garbage collector would walk them over and over and
    find nothing to free (it doubled the time to lay out the rows of a write at scale 0.25)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def upsert_statement(engine: Engine, label: str) -> str:
    props = [p for p in NODE_BY_LABEL[label].all_props if p.name != "id"]
    sets = [f"n.{p.name} = {engine.typed('row.' + p.name, p.type)}" for p in props]
    sets += [f"n:{extra}" for extra in engine.extra_labels]
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET {', '.join(sets)}"


def create_rel_statement(engine: Engine, rel_type: str, source: str, target: str) -> str:
    props = ", ".join(f"{p.name}: {engine.typed('row.p.' + p.name, p.type)}"
                      for p in REL_BY_NAME[rel_type].all_props)
    # Two MATCH clauses, not one with a comma: LadybugDB plans the comma form as a cross
    # product (125x slower on 2 000 rows), Neo4j plans both the same.
    return (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
            f"CREATE (a)-[r:{rel_type} {{{props}}}]->(b) RETURN count(r) AS created")


def create_statement(engine: Engine, label: str) -> str:
    """Nodes known to be new: CREATE, no lookup (the primary key still guards uniqueness)."""
    props = ", ".join(f"{p.name}: {engine.typed('row.' + p.name, p.type)}"
                      for p in NODE_BY_LABEL[label].all_props)
    extra = "".join(f":{x}" for x in engine.extra_labels)
    return f"UNWIND $rows AS row CREATE (n:{label}{extra} {{{props}}})"


def update_statement(engine: Engine, label: str) -> str:
    """Nodes known to exist: find by id and set every property."""
    props = [p for p in NODE_BY_LABEL[label].all_props if p.name != "id"]
    sets = ", ".join(f"n.{p.name} = {engine.typed('row.' + p.name, p.type)}" for p in props)
    return f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET {sets}"


def _batches(rows: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def plan_size(nodes: list[NodeItem], rels: list[RelItem]) -> int:
    """How many rows the progress bar will count."""
    return len(nodes) + len(rels)


def write_items(engine: Engine, datasets: list[str], nodes: list[NodeItem], rels: list[RelItem],
                labels_of: dict[str, str], progress: Progress | None = None) -> LoadReport:
    """Replace what `datasets` said with `nodes` and `rels`, all in one transaction."""
    with collector_paused():
        return _write_items(engine, datasets, nodes, rels, labels_of, progress)


def _write_items(engine: Engine, datasets: list[str], nodes: list[NodeItem], rels: list[RelItem],
                 labels_of: dict[str, str], progress: Progress | None) -> LoadReport:
    progress = progress or (lambda n: None)
    report = LoadReport(datasets)
    # Rows are lists of every column in schema order (what COPY takes as they are); the few rows
    # that go by an UNWIND statement become dicts there. One pass over the items, no dict per row.
    by_label: dict[str, list[list]] = defaultdict(list)
    for node in nodes:
        get = node.props.get
        by_label[node.label].append([get(c) for c in NODE_COLUMNS[node.label]])
    by_pair: dict[tuple[str, str, str], list[list]] = defaultdict(list)
    for rel in rels:
        get = rel.props.get
        by_pair[(rel.type, labels_of[rel.source], labels_of[rel.target])].append(
            [rel.source, rel.target, *[get(c) for c in REL_COLUMNS[rel.type]]])

    new_size = NEW_NODE_BATCH.get(engine.dialect, BATCH)
    split = engine.dialect == "ladybug"  # Neo4j's MERGE uses the unique index: keep it

    def work(tx: Tx) -> LoadReport:
        copy = getattr(tx, "copy", None)  # LadybugDB's bulk path, inside this transaction
        for rel in RELS:
            tx.run(f"MATCH ()-[r:{rel.name}]->() WHERE r.dataset IN $datasets DELETE r",
                   {"datasets": datasets})
        for label, rows in by_label.items():
            if split:
                stored = _stored(tx, label)
                new = [r for r in rows if r[0] not in stored]
                changed = [r for r in rows if r[0] in stored and stored[r[0]] != r]
                progress(len(rows) - len(new) - len(changed))  # unchanged nodes: nothing to write
                if copy is not None:
                    new = _copy_nodes(copy, label, new, progress)  # returns what COPY cannot take
                parts = [(create_statement(engine, label), new, new_size),
                         (update_statement(engine, label), changed, BATCH)]
            else:
                parts = [(upsert_statement(engine, label), rows, BATCH)]
            for statement, part, size in parts:
                for batch in _batches(part, size):
                    tx.run(statement, {"rows": [dict(zip(NODE_COLUMNS[label], r)) for r in batch]})
                    progress(len(batch))
            report.by_type[label] = len(rows)
        report.removed_nodes = _remove_stale(tx, datasets, by_label)
        for (rel_type, source, target), rows in by_pair.items():
            statement = create_rel_statement(engine, rel_type, source, target)
            report.by_type[rel_type] = report.by_type.get(rel_type, 0) + len(rows)
            if copy is not None:
                rows = _copy_rels(copy, rel_type, source, target, rows, progress)
            columns = REL_COLUMNS[rel_type]
            for batch in _batches(rows):
                created = tx.run(statement, {"rows": [{"source": r[0], "target": r[1], "p": dict(zip(columns, r[2:]))}
                                                      for r in batch]})[0]["created"]
                if created != len(batch):  # an endpoint vanished: never commit a partial graph
                    raise OrggraphError(f"{rel_type}: wrote {created} of {len(batch)} relationships; "
                                        "an endpoint is missing in the database")
                progress(len(batch))
        report.nodes, report.relationships = len(nodes), len(rels)
        return report

    return engine.write(work)


def _stored(tx: Tx, label: str) -> dict[str, list]:
    """Every stored node of a label with all its properties in column order, by id (one read)."""
    columns = NODE_COLUMNS[label]
    rows = tx.run(f"MATCH (n:{label}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in columns))
    return {row["id"]: [row[c] for c in columns] for row in rows}


def _copyable(row: list) -> bool:
    return "" not in row  # COPY reads an empty cell as null: an empty string goes by UNWIND


def _copy_nodes(copy: Callable, label: str, rows: list[list], progress: Progress) -> list[list]:
    """COPY the new nodes that can go that way; returns the rest, for the UNWIND statement."""
    bulk = [r for r in rows if _copyable(r)]
    if bulk:
        copy(label, NODE_COLUMNS[label], bulk)
        progress(len(bulk))
    return [r for r in rows if not _copyable(r)]


def _copy_rels(copy: Callable, rel_type: str, source: str, target: str, rows: list[list],
               progress: Progress) -> list[list]:
    """COPY relationships between existing nodes; returns the rows left for the UNWIND statement."""
    bulk = [r for r in rows if _copyable(r)]  # ids are never empty: only values can be ""
    if bulk:
        ends = (source, target) if len(REL_BY_NAME[rel_type].pairs) > 1 else None
        try:
            copy(rel_type, ["from", "to", *REL_COLUMNS[rel_type]], bulk, ends)
        except RuntimeError as exc:  # LadybugDB names the id it did not find
            raise OrggraphError(f"{rel_type}: an endpoint is missing in the database ({exc}); "
                                "nothing was written") from None
        progress(len(bulk))
    return [r for r in rows if not _copyable(r)]


def _remove_stale(tx: Tx, datasets: list[str], by_label: dict[str, list[list]]) -> int:
    """Remove nodes the datasets no longer list, unless another dataset still points at them."""
    removed = 0
    for node_type in NODES:
        keep = {row[0] for row in by_label.get(node_type.label, [])}
        listed = tx.run(f"MATCH (n:{node_type.label}) WHERE n.dataset IN $datasets RETURN n.id AS id",
                        {"datasets": datasets})
        stale = sorted({row["id"] for row in listed} - keep)  # a set difference, not NOT IN $keep
        if not stale:
            continue
        params = {"stale": stale}
        anchor = f"UNWIND $stale AS stale_id MATCH (n:{node_type.label} {{id: stale_id}})"
        for rel in RELS:
            if node_type.label not in rel.sources + rel.targets:
                continue
            used = tx.run(f"{anchor} MATCH (n)-[r:{rel.name}]-(m) "
                          "RETURN n.id AS id, m.id AS other, r.dataset AS dataset LIMIT 1", params)
            if used:
                row = used[0]
                raise OrggraphError(
                    f"{row['id']!r} is no longer in dataset {', '.join(datasets)}, but dataset "
                    f"{row['dataset']!r} still links it to {row['other']!r} ({rel.name}); load both "
                    "together or remove that link first")
        tx.run(f"{anchor} DETACH DELETE n", params)
        removed += len(stale)
    return removed
