"""One schema drives DDL, validation and the published JSON Schema."""
from __future__ import annotations

import datetime as dt

import jsonschema
import pytest
import yaml

from orggraph.loader.jsonschema import build
from orggraph.schema import NODES, RELS, ddl

from conftest import DATA


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_every_node_and_relationship_has_a_period_and_a_source():
    for thing in [*NODES, *RELS]:
        names = {p.name for p in thing.all_props}
        assert {"valid_from", "valid_to", "source"} <= names, thing


def test_ddl_covers_every_type():
    neo4j, ladybug = "\n".join(ddl.neo4j_statements()), "\n".join(ddl.ladybug_statements())
    for node in NODES:
        assert f"FOR (n:{node.label}) REQUIRE n.id IS UNIQUE" in neo4j
        assert f"CREATE NODE TABLE IF NOT EXISTS {node.label}(" in ladybug
    for rel in RELS:
        assert f"CREATE REL TABLE IF NOT EXISTS {rel.name}(" in ladybug
    assert all("IF NOT EXISTS" in s for s in ddl.neo4j_statements() + ddl.ladybug_statements())


def test_valid_input_matches_the_json_schema():
    schema = build()
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = _plain(yaml.safe_load((DATA / "valid" / "fjordvik.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("change, where", [
    ({"units": [{"id": "u", "name": "U", "kind": "enhet"}]}, "enum"),
    ({"units": [{"id": "u", "name": "U", "kind": "unit", "colour": "red"}]}, "additionalProperties"),
    ({"organisations": [{"id": "o", "name": "O", "kind": "municipality", "kommunenummer": 1719}]}, "type"),
    ({"organisations": [{"id": "o", "name": "O", "kind": "municipality", "kommunenummer": "abc"}]}, "pattern"),
    ({"gadgets": []}, "additionalProperties"),
])
def test_json_schema_rejects_what_the_loader_rejects(change, where):
    with pytest.raises(jsonschema.ValidationError) as caught:
        jsonschema.validate({"source": "s", **change}, build())
    assert caught.value.validator == where


def test_schema_ddl_runs_twice_on_each_engine(engine):
    engine.ensure_schema()
    engine.ensure_schema()
    assert engine.read("MATCH (n:Unit) RETURN count(n) AS c") == [{"c": 0}]


def test_an_older_embedded_database_gets_the_new_columns(tmp_path):
    import ladybug

    from orggraph.config import Settings
    from orggraph.engine import open_engine
    path = tmp_path / "old.lbdb"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Site(id STRING, name STRING, PRIMARY KEY(id))")
    conn.execute("CREATE (:Site {id: 'r', name: 'Rådhuset'})")
    conn.close()
    db.close()
    engine = open_engine(Settings(engine="embedded", db_path=path))
    try:
        columns = {r["name"] for r in engine.read("CALL table_info('Site') RETURN *")}
        assert {p.name for p in NODES[[n.label for n in NODES].index("Site")].all_props} <= columns
        assert engine.read("MATCH (s:Site) RETURN s.name AS name, s.address AS address") == \
            [{"name": "Rådhuset", "address": None}]
    finally:
        engine.close()


def test_an_older_embedded_database_gets_new_columns_and_relationship_pairs(tmp_path):
    """A database made by an older schema (a column and a FROM/TO pair missing) is brought up
    to date when it is opened, and then takes the facts the older schema could not hold."""
    import ladybug

    from orggraph.engine.embedded import EmbeddedEngine
    from orggraph.schema import ddl

    path = tmp_path / "old.lbdb"
    older = [s.replace(", notes STRING", "").replace(", FROM Unit TO MeetingPlace", "")
             for s in ddl.ladybug_statements()]
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for statement in older:
        conn.execute(statement)
    pairs = conn.execute("CALL show_connection('MEMBER_OF') RETURN *").get_all()
    assert ["Unit", "MeetingPlace"] not in [row[:2] for row in pairs]
    conn.close()
    db.close()

    engine = EmbeddedEngine(path)
    try:
        engine.ensure_schema()
        engine.ensure_schema()  # and again: nothing left to add
        engine.write(lambda tx: tx.run(
            "CREATE (:Person {id: 'p', name: 'Åse', notes: 'privat'}) "
            "CREATE (:Unit {id: 'u', name: 'Enhet'}) CREATE (:MeetingPlace {id: 'm', name: 'Forum'})"))
        engine.write(lambda tx: tx.run(
            "MATCH (u:Unit {id: 'u'}) MATCH (m:MeetingPlace {id: 'm'}) CREATE (u)-[:MEMBER_OF]->(m)"))
        assert engine.read("MATCH (p:Person) RETURN p.notes AS notes") == [{"notes": "privat"}]
        assert engine.read("MATCH (:Unit)-[r:MEMBER_OF]->(m:MeetingPlace) RETURN m.id AS id") == [{"id": "m"}]
    finally:
        engine.close()


def test_neo4j_runs_only_the_schema_statements_whose_index_is_missing(engine):
    """Every statement's index or constraint exists under the name `neo4j_name` reads from it, so a
    start runs none of them again; one dropped is made again at the next start."""
    if engine.dialect != "neo4j":
        pytest.skip("Neo4j's indexes and constraints")
    names = [ddl.neo4j_name(s) for s in ddl.neo4j_statements()]
    assert len(set(names)) == len(names)
    engine.ensure_schema()
    have = {r["name"] for show in ("INDEXES", "CONSTRAINTS")
            for r in engine.read(f"SHOW {show} YIELD name RETURN name")}
    assert set(names) <= have
    engine._driver.execute_query("DROP INDEX unit_sort_key", database_=engine.database)
    engine.ensure_schema()
    assert engine.read("SHOW INDEXES YIELD name, labelsOrTypes, properties WHERE name = 'unit_sort_key' "
                       "RETURN labelsOrTypes AS labels, properties") == [{"labels": ["Unit"], "properties": ["sort_key"]}]
