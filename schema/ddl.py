"""Schema DDL for each engine, generated from the model. Every statement is idempotent."""
from __future__ import annotations

from .model import BOOL, DATE, FLOAT, FOLDED_NAME, INT, NAME_PROPS, NODES, RELS, SORT_KEY, STRING

LADYBUG_TYPES = {STRING: "STRING", INT: "INT64", FLOAT: "DOUBLE", DATE: "DATE", BOOL: "BOOLEAN"}


#: the label of Neo4j's write-lock node, never committed (see orggraph/engine/neo4j.py)
WRITE_LOCK_LABEL = "OrggraphWriteLock"


def neo4j_statements() -> list[str]:
    """Constraints and indexes for Neo4j 5 (community edition: uniqueness only)."""
    out = ["CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
           # trigram text index: `CONTAINS` looks names up instead of scanning them
           f"CREATE TEXT INDEX entity_{FOLDED_NAME} IF NOT EXISTS FOR (n:Entity) ON (n.{FOLDED_NAME})"]
    for node in NODES:
        low = node.label.lower()
        out.append(f"CREATE CONSTRAINT {low}_id IF NOT EXISTS FOR (n:{node.label}) REQUIRE n.id IS UNIQUE")
        out.append(f"CREATE INDEX {low}_dataset IF NOT EXISTS FOR (n:{node.label}) ON (n.dataset)")
        out.append(f"CREATE INDEX {low}_{SORT_KEY} IF NOT EXISTS FOR (n:{node.label}) ON (n.{SORT_KEY})")
        for end in ("valid_from", "valid_to"):  # a list's count: those not valid on the day, looked up
            out.append(f"CREATE INDEX {low}_{end} IF NOT EXISTS FOR (n:{node.label}) ON (n.{end})")
        for prop in node.props:
            if prop.name in NAME_PROPS:
                out.append(f"CREATE INDEX {low}_{prop.name} IF NOT EXISTS FOR (n:{node.label}) ON (n.{prop.name})")
    for rel in RELS:
        out.append(f"CREATE INDEX {rel.name.lower()}_dataset IF NOT EXISTS "
                   f"FOR ()-[r:{rel.name}]-() ON (r.dataset)")
    # The graph's write lock (orggraph/engine/neo4j.py): unique, so writers wait for each other.
    out.append(f"CREATE CONSTRAINT orggraph_write_lock IF NOT EXISTS FOR (l:{WRITE_LOCK_LABEL}) "
               "REQUIRE l.name IS UNIQUE")
    return out


def neo4j_name(statement: str) -> str:
    """The name of the index or constraint a statement of `neo4j_statements` creates."""
    return statement.split()[3] if statement.startswith("CREATE TEXT INDEX") else statement.split()[2]


def ladybug_statements() -> list[str]:
    """NODE and REL TABLE DDL for LadybugDB (typed columns, id as primary key)."""
    out = []
    for node in NODES:
        cols = ", ".join(f"{p.name} {LADYBUG_TYPES[p.type]}" for p in node.all_props)
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {node.label}({cols}, PRIMARY KEY(id))")
    for rel in RELS:
        pairs = ", ".join(f"FROM {s} TO {t}" for s, t in rel.pairs)
        cols = ", ".join(f"{p.name} {LADYBUG_TYPES[p.type]}" for p in rel.all_props)
        out.append(f"CREATE REL TABLE IF NOT EXISTS {rel.name}({pairs}, {cols})")
    return out


def ladybug_missing_columns(table: str, existing: set[str]) -> list[str]:
    """ALTER statements that add columns a newer schema has and an older database lacks."""
    from .model import NODE_BY_LABEL, REL_BY_NAME
    thing = NODE_BY_LABEL.get(table) or REL_BY_NAME[table]
    return [f"ALTER TABLE {table} ADD {p.name} {LADYBUG_TYPES[p.type]}"
            for p in thing.all_props if p.name not in existing]


def ladybug_missing_pairs(rel_name: str, existing: set[tuple[str, str]]) -> list[str]:
    """ALTER statements that let a relationship table join node types a newer schema allows."""
    from .model import REL_BY_NAME
    return [f"ALTER TABLE {rel_name} ADD FROM {s} TO {t}"
            for s, t in REL_BY_NAME[rel_name].pairs if (s, t) not in existing]
