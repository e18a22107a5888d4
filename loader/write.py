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

Python's own share is kept to one pass over the items: each row becomes a tuple of cells in
the table's column order (`node_rows`, `rel_rows`), which is what the CSV writer, the
comparison with the stored rows and the stale check all use; dicts are made only for the rows
that go by UNWIND. A first load into an empty graph skips the relationship deletes, the reads
of stored nodes and the stale check (one `MATCH (n) ... LIMIT 1` says there is nothing), and
stale nodes are found before any node is written, from the stored rows already read.

A reload writes only the difference, on both engines: the datasets' stored relationships are read
(a statement per type) as rows of cells and compared with the files' per (type, source label,
target label) as multisets;
those the files no longer give are deleted (by their ends and every property; a pair with more
than BATCH of them, or with two identical stored rows, is deleted whole and written again) and
only the new ones are written. Nodes are compared the same way (Neo4j reads the stored nodes by id,
with its index; LadybugDB reads whole tables, as a lookup by id costs it a scan anyway), so
loading the same files again writes nothing. Deleting a relationship and writing it back is what
made a reload cost more than a first load (docs/BENCHMARKS.md, "Reloads: only what changed").
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from orggraph.engine.base import Engine, Tx
from orggraph.errors import OrggraphError
from orggraph.schema import NODE_BY_LABEL, NODES, REL_BY_NAME, RELS
from orggraph.schema.model import DERIVED, derived

from orggraph.interpreter import collector_paused
from .items import NodeItem, RelItem

BATCH = 2000
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
    #: nodes and relationships the graph already held exactly as the files give them (not written)
    unchanged_nodes: int = 0
    unchanged_relationships: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def _derived(engine: Engine) -> list[str]:
    """Properties the engine keeps beside the schema's (schema.model.DERIVED)."""
    return list(DERIVED) if engine.stores_keys else []


def upsert_statement(engine: Engine, label: str) -> str:
    """Nodes by id, created or updated: the statement for rows from `node_dicts`."""
    props = [p for p in NODE_BY_LABEL[label].all_props if p.name != "id"]
    sets = [f"n.{p.name} = {engine.typed('row.' + p.name, p.type)}" for p in props]
    sets += [f"n.{name} = row.{name}" for name in _derived(engine)]
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
    props = ", ".join([f"{p.name}: {engine.typed('row.' + p.name, p.type)}"
                       for p in NODE_BY_LABEL[label].all_props]
                      + [f"{name}: row.{name}" for name in _derived(engine)])
    extra = "".join(f":{x}" for x in engine.extra_labels)
    return f"UNWIND $rows AS row CREATE (n:{label}{extra} {{{props}}})"


def update_statement(engine: Engine, label: str) -> str:
    """Nodes known to exist: find by id and set every property."""
    props = [p for p in NODE_BY_LABEL[label].all_props if p.name != "id"]
    sets = ", ".join([f"n.{p.name} = {engine.typed('row.' + p.name, p.type)}" for p in props]
                     + [f"n.{name} = row.{name}" for name in _derived(engine)])
    return f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET {sets}"


def _batches(rows: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def any_node_statement(engine: Engine) -> str:
    """A statement with a row if the graph holds any data node (on Neo4j every one is an :Entity;
    the write lock's node is not)."""
    anyone = f"(n:{engine.extra_labels[0]})" if engine.extra_labels else "(n)"
    return f"MATCH {anyone} RETURN 1 AS one LIMIT 1"


def plan_size(nodes: list[NodeItem], rels: list[RelItem]) -> int:
    """How many rows the progress bar will count."""
    return len(nodes) + len(rels)


#: each table's columns in schema order; a row is a tuple of cells in this order (id first)
NODE_COLUMNS = {n.label: [p.name for p in n.all_props] for n in NODES}
#: where each label's name (or title) is in its row of cells
NAME_AT = {n.label: NODE_COLUMNS[n.label].index(n.name_prop) for n in NODES}
REL_COLUMNS = {r.name: [p.name for p in r.all_props] for r in RELS}


def node_rows(nodes: list[NodeItem]) -> dict[str, list[tuple]]:
    """Nodes as tuples of cells per label. A tuple per row (map over dict.get at C speed) is what
    COPY, the comparison with stored nodes and the stale check need; dicts are made only for
    the few rows that go by UNWIND."""
    by_label: dict[str, list[tuple]] = defaultdict(list)
    for node in nodes:
        by_label[node.label].append(tuple(map(node.props.get, NODE_COLUMNS[node.label])))
    return by_label


def rel_rows(rels: list[RelItem], labels_of: dict[str, str]) -> dict[tuple[str, str, str], list[tuple]]:
    """Relationships as (source, target, *cells) per (type, source label, target label)."""
    by_pair: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    for rel in rels:
        by_pair[rel.type, labels_of[rel.source], labels_of[rel.target]].append(
            (rel.source, rel.target, *map(rel.props.get, REL_COLUMNS[rel.type])))
    return by_pair


def node_dicts(engine: Engine, label: str, rows: list[tuple]) -> list[dict]:
    """Rows of cells as the parameters of the node statements, with what the engine derives."""
    columns = NODE_COLUMNS[label]
    dicts = [dict(zip(columns, row)) for row in rows]
    if engine.stores_keys:
        at = NAME_AT[label]
        for values, row in zip(dicts, rows):
            values.update(derived(row[at], row[0]))
    return dicts


def node_dict(engine: Engine, label: str, props: dict[str, Any]) -> dict:
    """One node's properties as the parameters of the node statements (see node_dicts)."""
    return node_dicts(engine, label, [tuple(map(props.get, NODE_COLUMNS[label]))])[0]


def rel_dicts(rel_type: str, rows: list[tuple]) -> list[dict]:
    columns = REL_COLUMNS[rel_type]
    return [{"source": row[0], "target": row[1], "p": dict(zip(columns, row[2:]))} for row in rows]


def write_items(engine: Engine, datasets: list[str], nodes: list[NodeItem], rels: list[RelItem],
                labels_of: dict[str, str], progress: Progress | None = None,
                replaced: list[RelItem] = ()) -> LoadReport:
    """Replace what `datasets` said with `nodes` and `rels`, all in one transaction; `replaced`
    (other datasets' stored relationships, read back whole) are deleted in it first."""
    with collector_paused():  # a row of cells per item, all alive until the end
        return _write(engine, datasets, nodes, rels, labels_of, progress or (lambda n: None), replaced)


def _write(engine: Engine, datasets: list[str], nodes: list[NodeItem], rels: list[RelItem],
           labels_of: dict[str, str], progress: Progress, replaced: list[RelItem]) -> LoadReport:
    report = LoadReport(datasets)
    by_label = node_rows(nodes)
    by_pair = rel_rows(rels, labels_of)
    gone = rel_rows(replaced, labels_of)  # their ends are the files' relationships' ends
    new_size = NEW_NODE_BATCH.get(engine.dialect, BATCH)
    whole = engine.dialect == "ladybug"  # a lookup by id costs LadybugDB a scan: read whole tables

    def work(tx: Tx) -> LoadReport:
        copy = getattr(tx, "copy", None)  # LadybugDB's bulk path, inside this transaction
        # A first load into an empty graph has no relationships to delete, no stored nodes to
        # compare with and nothing stale: one look instead of a statement per table.
        empty = not tx.run(any_node_statement(engine))
        to_add, stored = by_pair, {}
        for (rel_type, source, target), rows in gone.items():
            for batch in _batches(rel_dicts(rel_type, rows)):
                tx.run(delete_rels_statement(engine, rel_type, source, target), {"rows": batch})
        if not empty:
            to_add = _changed_rels(tx, engine, datasets, by_pair, report, progress)
            stored = {label: _stored(tx, label, rows, datasets, whole) for label, rows in by_label.items()}
            # Stale nodes are found before any node is written: the nodes written are all kept, so
            # the set is the same (found among the stored rows already read).
            report.removed_nodes = _remove_stale(tx, datasets, by_label, stored)
        for label, rows in by_label.items():
            have = stored.get(label)
            new = [r for r in rows if r[0] not in have] if have else rows
            changed = [r for r in rows if r[0] in have and have[r[0]] != r] if have else []
            report.unchanged_nodes += len(rows) - len(new) - len(changed)
            progress(len(rows) - len(new) - len(changed))  # unchanged nodes: nothing to write
            if copy is not None:
                new = _copy_nodes(copy, label, new, progress)  # returns what COPY cannot take
            for statement, part, size in ((create_statement(engine, label), new, new_size),
                                          (update_statement(engine, label), changed, BATCH)):
                for batch in _batches(part, size):
                    tx.run(statement, {"rows": node_dicts(engine, label, batch)})
                    progress(len(batch))
            report.by_type[label] = len(rows)
        for (rel_type, source, target), rows in by_pair.items():
            report.by_type[rel_type] = report.by_type.get(rel_type, 0) + len(rows)
        for (rel_type, source, target), rows in to_add.items():
            statement = create_rel_statement(engine, rel_type, source, target)
            if copy is not None:
                rows = _copy_rels(copy, rel_type, source, target, rows, progress)
            for batch in _batches(rel_dicts(rel_type, rows)):
                created = tx.run(statement, {"rows": batch})[0]["created"]
                if created != len(batch):  # an endpoint vanished: never commit a partial graph
                    raise OrggraphError(f"{rel_type}: wrote {created} of {len(batch)} relationships; "
                                        "an endpoint is missing in the database")
                progress(len(batch))
        report.nodes, report.relationships = len(nodes), len(rels)
        return report

    return engine.write(work)


def _stored(tx: Tx, label: str, rows: list[tuple], datasets: list[str], whole: bool) -> dict[str, tuple]:
    """Stored nodes of a label as tuples of cells (NODE_COLUMNS order), by id: every node of the
    datasets and of the ids in `rows`. `whole` reads the whole table in one statement; otherwise
    the datasets' nodes, then the other ids by the id index (10 000 a statement)."""
    columns = [f"n.{c}" for c in NODE_COLUMNS[label]]
    if whole:
        return {row[0]: row for row in tx.tuples(f"MATCH (n:{label})", columns)}
    found = {row[0]: row for row in tx.tuples(f"MATCH (n:{label}) WHERE n.dataset IN $datasets",
                                               columns, {"datasets": datasets})}
    others = [row[0] for row in rows if row[0] not in found]
    for batch in _batches(others, 10_000):
        found.update((row[0], row) for row in tx.tuples(
            f"UNWIND $ids AS i MATCH (n:{label} {{id: i}})", columns, {"ids": batch}))
    return found


def _same(engine: Engine, column: str, type_name: str) -> str:
    """`r.column` equals the row's value, nulls included."""
    value = engine.typed(f"row.p.{column}", type_name)
    return f"(r.{column} = {value} OR (r.{column} IS NULL AND row.p.{column} IS NULL))"


def delete_rels_statement(engine: Engine, rel_type: str, source: str, target: str) -> str:
    """Relationships given by their ends and every property (rows from `rel_dicts`)."""
    same = " AND ".join(_same(engine, p.name, p.type) for p in REL_BY_NAME[rel_type].all_props)
    return (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.source}}) "
            f"MATCH (a)-[r:{rel_type}]->(b:{target} {{id: row.target}}) WHERE {same} "
            "DELETE r RETURN count(*) AS deleted")


def _stored_rels(tx: Tx, engine: Engine, datasets: list[str]) -> dict[tuple[str, str, str], Counter]:
    """The datasets' stored relationships as rows of cells (`rel_rows`' shape), counted, by (type,
    source label, target label): one read per type (a read per pair costs Neo4j a label scan each)."""
    stored: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for rel in RELS:
        columns = [engine.label_of("a"), engine.label_of("b"), "a.id", "b.id",
                   *(f"r.{c}" for c in REL_COLUMNS[rel.name])]
        for row in tx.tuples(f"MATCH (a)-[r:{rel.name}]->(b) WHERE r.dataset IN $datasets", columns,
                             {"datasets": datasets}):
            stored[rel.name, row[0], row[1]][row[2:]] += 1
    return stored


def _changed_rels(tx: Tx, engine: Engine, datasets: list[str],
                  by_pair: dict[tuple[str, str, str], list[tuple]], report: LoadReport,
                  progress: Progress) -> dict[tuple[str, str, str], list[tuple]]:
    """Delete the datasets' stored relationships the files no longer give; returns those to write."""
    to_add: dict[tuple[str, str, str], list[tuple]] = {}
    stored = _stored_rels(tx, engine, datasets)
    for key in [*by_pair, *(k for k in stored if k not in by_pair)]:
        rel_type, source, target = key
        rows, have = by_pair.get(key, []), stored.get(key)
        if not have:
            to_add[key] = rows
            continue
        want = Counter(rows)
        gone = have - want
        if sum(gone.values()) > BATCH or any(have[row] > 1 for row in gone):
            # all of them, then all again
            tx.run(f"MATCH (a:{source})-[r:{rel_type}]->(b:{target}) WHERE r.dataset IN $datasets DELETE r",
                   {"datasets": datasets})
            new = rows
        else:
            if gone:
                deleted = tx.run(delete_rels_statement(engine, rel_type, source, target),
                                 {"rows": rel_dicts(rel_type, list(gone))})[0]["deleted"]
                if deleted != len(gone):  # never commit a graph that differs from the files
                    raise OrggraphError(f"{rel_type}: deleted {deleted} of {len(gone)} relationships "
                                        "the files no longer give; nothing was written")
            new = list((want - have).elements())
        report.unchanged_relationships += len(rows) - len(new)
        progress(len(rows) - len(new))
        if new:
            to_add[key] = new
    return to_add


def _copy_nodes(copy: Callable, label: str, rows: list[tuple], progress: Progress) -> list[tuple]:
    """COPY the new nodes that can go that way; returns the rest, for the UNWIND statement."""
    # COPY reads an empty cell as null: a row with an empty string goes by UNWIND
    bulk = [r for r in rows if "" not in r]
    if bulk:
        copy(label, NODE_COLUMNS[label], bulk)
        progress(len(bulk))
    return [r for r in rows if "" in r] if len(bulk) != len(rows) else []


def _copy_rels(copy: Callable, rel_type: str, source: str, target: str, rows: list[tuple],
               progress: Progress) -> list[tuple]:
    """COPY relationships between existing nodes; returns the rows left for the UNWIND statement."""
    bulk = [r for r in rows if "" not in r]  # ids are never empty: only a property can be
    if bulk:
        ends = (source, target) if len(REL_BY_NAME[rel_type].pairs) > 1 else None
        copy(rel_type, ["from", "to", *REL_COLUMNS[rel_type]], bulk, ends)  # names a missing end
        progress(len(bulk))
    return [r for r in rows if "" in r] if len(bulk) != len(rows) else []


DATASET = {label: columns.index("dataset") for label, columns in NODE_COLUMNS.items()}


def _remove_stale(tx: Tx, datasets: list[str], by_label: dict[str, list[tuple]],
                  stored: dict[str, dict[str, tuple]]) -> int:
    """Remove nodes the datasets no longer list, unless a relationship still points at them.
    Runs after the relationships the files no longer give are deleted, so any link left is another
    dataset's, or one the datasets' files still give."""
    removed = 0
    wanted = set(datasets)
    for node_type in NODES:
        label = node_type.label
        keep = {row[0] for row in by_label.get(label, ())}
        if label in stored:
            at = DATASET[label]
            listed = {node_id for node_id, row in stored[label].items() if row[at] in wanted}
        else:
            listed = {row[0] for row in tx.tuples(f"MATCH (n:{label}) WHERE n.dataset IN $datasets",
                                                  ["n.id"], {"datasets": datasets})}
        stale = sorted(listed - keep)  # a set difference, not NOT IN $keep
        if not stale:
            continue
        params = {"stale": stale}
        anchor = f"UNWIND $stale AS stale_id MATCH (n:{label} {{id: stale_id}})"
        for rel in RELS:
            if label not in rel.sources + rel.targets:
                continue
            used = tx.run(f"{anchor} MATCH (n)-[r:{rel.name}]-(m) "
                          "RETURN n.id AS id, m.id AS other, r.dataset AS dataset LIMIT 1", params)
            if used:
                row = used[0]
                if row["dataset"] in wanted:
                    raise OrggraphError(
                        f"{row['id']!r} is no longer listed in dataset {row['dataset']!r}, but the "
                        f"dataset still links it to {row['other']!r} ({rel.name}); list it again or "
                        "remove that link")
                raise OrggraphError(
                    f"{row['id']!r} is no longer in dataset {', '.join(datasets)}, but dataset "
                    f"{row['dataset']!r} still links it to {row['other']!r} ({rel.name}); load both "
                    "together or remove that link first")
        tx.run(f"{anchor} DETACH DELETE n", params)
        removed += len(stale)
    return removed
