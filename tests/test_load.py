"""Loads are atomic and idempotent, replace what a dataset said before, and work on both engines."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from orggraph.errors import OrggraphError
from orggraph.loader.load import load
from orggraph.loader.problems import ValidationFailed

from conftest import DATA, snapshot, wipe

VALID = DATA / "valid"


def count(engine, cypher: str) -> int:
    return engine.read(cypher)[0]["c"]


def test_load_writes_every_node_and_relationship(engine):
    report = load(engine, [VALID])
    assert report.nodes == 28 and report.relationships == 39
    assert count(engine, "MATCH (n:Unit) RETURN count(n) AS c") == 8
    assert count(engine, "MATCH ()-[r:PARTY_TO]->() RETURN count(r) AS c") == 4
    row = engine.query("node", id="kjokken")[0]["node"]
    assert row["name"] == "Storkjøkken" and row["dataset"] == "units.bulk"


def test_loading_twice_gives_the_same_graph(engine):
    load(engine, [VALID])
    first = snapshot(engine)
    load(engine, [VALID])
    assert snapshot(engine) == first


def test_reloading_a_changed_file_updates_what_changed(engine, tmp_path):
    shutil.copytree(VALID, tmp_path / "in")
    load(engine, [tmp_path / "in"])
    path = tmp_path / "in" / "fjordvik.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Nattpatrulje", "name: Nattjenesten")  # renamed
    text = text.replace("  - {id: nord-helse, name: Helse Nordøy, kind: service_area, part_of: nord, "
                        "valid_to: 2019-12-31}\n", "")  # removed
    text = text.replace("reports_to: {id: helse, kind: dotted}", "reports_to: {id: helse, kind: line}")
    path.write_text(text, encoding="utf-8")
    report = load(engine, [tmp_path / "in"])
    assert report.removed_nodes == 1
    assert engine.query("node", id="natt")[0]["node"]["name"] == "Nattjenesten"
    assert engine.query("node", id="nord-helse") == []
    kinds = engine.read("MATCH (a:Unit {id: 'stab'})-[r:REPORTS_TO]->(b) RETURN r.kind AS kind")
    assert kinds == [{"kind": "line"}]


def test_a_failed_load_leaves_the_graph_exactly_as_before(engine, tmp_path):
    load(engine, [VALID])
    before = snapshot(engine)
    changed = tmp_path / "fjordvik.yaml"
    changed.write_text((VALID / "fjordvik.yaml").read_text(encoding="utf-8")
                       .replace("Nordøy", "Nordøya"), encoding="utf-8")
    calls = []

    def start(total):
        def advance(n):  # the failure strikes after some batches were already written
            calls.append(n)
            if len(calls) == 3:
                raise RuntimeError("power cut")
        return advance

    with pytest.raises(RuntimeError, match="power cut"):
        load(engine, [changed], start)
    assert len(calls) == 3
    assert snapshot(engine) == before


def test_invalid_input_writes_nothing(engine):
    load(engine, [VALID])
    before = snapshot(engine)
    with pytest.raises(ValidationFailed):
        load(engine, [DATA / "invalid" / "broken.yaml"])
    assert snapshot(engine) == before


def test_explicit_transaction_rolls_back_everything_on_error(engine):
    def work(tx):
        for i in range(50):
            tx.run("CREATE (:Service {id: $id, name: $name, source: 't'})",
                   {"id": f"s{i}", "name": f"Tjeneste {i}"})
        assert count_in(tx) == 50  # the writes are visible inside the transaction
        tx.run("CREATE (:Service {id: $id, name: 'dup', source: 't'})", {"id": "s0"}) \
            if engine.dialect == "ladybug" else tx.run("RETURN 1/0")

    def count_in(tx):
        return tx.run("MATCH (s:Service) RETURN count(s) AS c")[0]["c"]

    with pytest.raises(Exception):
        engine.write(work)
    assert count(engine, "MATCH (s:Service) RETURN count(s) AS c") == 0


@pytest.mark.parametrize("scan_above", [20_000, 0], ids=["by-id", "whole-graph"])
def test_references_resolve_against_the_graph(engine, tmp_path, monkeypatch, scan_above):
    """Ids the files do not define are found in the graph, asked by id or (for loads naming
    many ids) read whole once: both find the same, and an id's type in the graph is checked."""
    monkeypatch.setattr("orggraph.loader.load.SCAN_ABOVE", scan_above)
    asked: list[str] = []
    real, tuples = type(engine).query, type(engine).tuples
    monkeypatch.setattr(type(engine), "query", lambda self, name, **kw: asked.append(name) or real(self, name, **kw))
    monkeypatch.setattr(type(engine), "tuples", lambda self, match, *a: asked.append(match) or tuples(self, match, *a))
    load(engine, [VALID])
    load(engine, [VALID])  # a reload: every id of the files is in the graph
    tables = asked.count("MATCH (n:Unit)")  # the whole graph is read a node table at a time
    assert bool(tables) == (scan_above == 0) and ("nodes_by_id" in asked) == (scan_above > 0)
    assert tables <= 2  # once per load at most
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("source: w\nposts:\n  - {id: helse, title: Helse}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="'helse' is a Unit in the database, not a Post"):
        load(engine, [wrong])
    extra = tmp_path / "extra.yaml"
    extra.write_text("source: s\nunits:\n  - {id: ny, name: Ny enhet, kind: unit, part_of: helse, "
                     "valid_from: 2021-01-01}\n", encoding="utf-8")
    load(engine, [extra])
    assert [r["id"] for r in engine.query("chain_of_command", id="ny", as_of="2021-02-01")] == \
        ["helse", "fjordvik"]
    extra.write_text("source: s\nunits:\n  - {id: ny2, name: Ny, kind: unit, part_of: "
                     "{id: helse, valid_from: 2019-01-01}}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="did not exist on 2019-01-01"):
        load(engine, [extra])


@pytest.mark.parametrize("targeted_max", [2000, 0], ids=["by-id", "by-scan"])
def test_holders_and_cycles_are_checked_against_other_datasets(engine, tmp_path, monkeypatch, targeted_max):
    """A post another dataset fills, or a line that closes a cycle through another dataset's
    units, is refused with the file's line; the same facts restated by their own dataset are not.
    Small loads ask the graph by id, big ones scan once per type: both must find the same."""
    monkeypatch.setattr("orggraph.loader.stored.TARGETED_MAX", targeted_max)
    load(engine, [VALID])
    before = snapshot(engine)
    extra = tmp_path / "extra.yaml"
    extra.write_text("source: s\npersons:\n"
                     "  - {id: ola, name: Ola Nordmann, holds: [{id: kommunalsjef-helse, valid_from: 2021-01-01}]}\n"
                     "relationships:\n  - {type: REPORTS_TO, from: helse, to: natt, kind: line}\n",
                     encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load(engine, [extra])
    messages = {p.message: p.where.line for p in failed.value.problems}
    holder = next(m for m in messages if "is held by 'ola'" in m)
    assert "(in the database, dataset 'fjordvik') in overlapping periods" in holder and messages[holder] == 3
    (cycle,) = [m for m in messages if m.startswith("reporting cycle")]  # natt is below helse
    assert set(cycle.split(": ")[1].split(" → ")) == {"natt", "hjemmetjeneste", "helse"}
    assert messages[cycle] == 5
    assert snapshot(engine) == before
    extra.write_text("source: s\npersons:\n"
                     "  - {id: ola, name: Ola Nordmann, holds: [{id: radmann-nord, valid_from: 2008-01-01, "
                     "valid_to: 2012-04-30}]}\n", encoding="utf-8")
    load(engine, [extra])  # before Åse held the post: fine
    load(engine, [VALID])  # a dataset reloading its own facts does not clash with itself


def test_removing_a_node_another_dataset_uses_is_refused(engine, tmp_path):
    (tmp_path / "a.yaml").write_text("source: s\nservices: [{id: tjeneste, name: Tjeneste}]\n",
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text("source: s\nunits: [{id: enhet, name: E, kind: unit, "
                                     "delivers: tjeneste}]\n", encoding="utf-8")
    load(engine, [tmp_path])
    before = snapshot(engine)
    (tmp_path / "a.yaml").write_text("source: s\nservices: []\n", encoding="utf-8")
    with pytest.raises(OrggraphError, match="still links it"):
        load(engine, [tmp_path / "a.yaml"])
    assert snapshot(engine) == before


def test_schema_setup_is_harmless_to_repeat(engine):
    load(engine, [VALID])
    before = snapshot(engine)
    engine.ensure_schema()
    engine.ensure_schema()
    assert snapshot(engine) == before


def test_names_keep_their_letters(engine):
    load(engine, [VALID])
    names = {r["name"] for r in engine.read("MATCH (p:Person) RETURN p.name AS name")}
    assert names == {"Åse Ødegård", "Bjørn Æsebø", "Cecilie Lærum"}


TRICKY = """dataset: tricky
source: "a test of values a CSV file mangles easily"
organisations:
  - {id: tricky-org, kind: municipality, name: "Komma, \\"sitat\\" og æøå", fte: 12.125,
     description: "første linje\\nandre linje\\r\\ntredje; tab\\tslutt \\\\ bakstrek"}
units:
  - {id: tricky-unit, name: " mellomrom ", kind: unit, part_of: tricky-org, description: "", fte: 0.1}
posts:
  - {id: tricky-post, title: "'enkle' fnutter", heads: tricky-unit}
persons:
  - {id: tricky-person, name: Åse, holds: [{id: tricky-post, capacity: acting, valid_from: 2020-02-29}]}
systems:
  - {id: tricky-cr, name: "N\\rM", category: "\\rc\\r", description: "x\\r"}
agreements:
  - {id: tricky-ag, name: Avtale, kind: other, status: proposed,
     parties: [{id: tricky-org, role: host, note: "merknad\\r"}]}
"""


def test_values_survive_the_bulk_path_exactly(engine, tmp_path):
    """LadybugDB writes new nodes and relationships with COPY FROM a CSV file: newlines, quotes, commas,
    backslashes, surrounding spaces, empty strings and floats must come back exactly as given."""
    path = tmp_path / "tricky.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    load(engine, [path])
    org = engine.query("node", id="tricky-org")[0]["node"]
    assert org["name"] == 'Komma, "sitat" og æøå' and org["fte"] == 12.125
    assert org["description"] == "første linje\nandre linje\r\ntredje; tab\tslutt \\ bakstrek"
    unit = engine.query("node", id="tricky-unit")[0]["node"]
    assert unit["name"] == " mellomrom " and unit["fte"] == 0.1
    assert unit.get("description") in ("", None)  # an empty string stays one where the engine keeps it
    assert engine.query("node", id="tricky-post")[0]["node"]["title"] == "'enkle' fnutter"
    holds = engine.read("MATCH (p:Person)-[r:HOLDS]->(q:Post) RETURN r.capacity AS c, r.valid_from AS f")
    assert holds == [{"c": "acting", "f": dt.date(2020, 2, 29)}]
    # a bare carriage return, inside and at either end, on a node and on a relationship
    system = engine.query("node", id="tricky-cr")[0]["node"]
    assert (system["name"], system["category"], system["description"]) == ("N\rM", "\rc\r", "x\r")
    assert engine.read("MATCH ()-[r:PARTY_TO]->() RETURN r.note AS n") == [{"n": "merknad\r"}]
    first = snapshot(engine)
    report = load(engine, [path])  # again: now every node exists, so the update path runs
    assert snapshot(engine) == first
    assert (report.unchanged_nodes, report.unchanged_relationships) == (report.nodes, report.relationships)


def test_a_relationship_to_a_vanished_node_writes_nothing(engine):
    """If an end is gone by the time the relationships are written (validation saw it), the whole load
    rolls back, nodes written before it in the same transaction included."""
    from orggraph.loader.load import check
    from orggraph.loader.write import write_items
    checked = check([VALID], engine)
    parsed = checked.parsed
    ghost = next(r for r in parsed.rels if r.type == "PART_OF")
    labels = {**checked.labels, "no-such-unit": checked.labels[ghost.target]}
    ghost.target = "no-such-unit"
    with pytest.raises(OrggraphError, match="PART_OF"):
        write_items(engine, checked.datasets, parsed.nodes, parsed.rels, labels)
    assert count(engine, "MATCH (n) RETURN count(n) AS c") == 0


def test_a_failed_bulk_write_is_an_error_not_a_traceback(engine):
    """A COPY that LadybugDB refuses for a reason the loader does not expect says which table, in
    words, and rolls back; it is never taken for a missing endpoint."""
    if engine.dialect != "ladybug":
        pytest.skip("COPY FROM is LadybugDB's bulk path")
    with pytest.raises(OrggraphError, match=r"^System: the bulk write failed \(.*\); nothing was written$"):
        engine.write(lambda tx: tx.copy("System", ["id", "name"], [("s1", "a", "one too many")]))
    assert count(engine, "MATCH (n) RETURN count(n) AS c") == 0


def statements_of_writes(engine, monkeypatch) -> list[str]:
    """Every statement the engine's write transactions run from now on."""
    sent: list[str] = []
    real = type(engine).write

    class Spy:
        def __init__(self, tx):
            self._tx = tx

        def run(self, cypher, params=None):
            sent.append(cypher)
            return self._tx.run(cypher, params)

        def __getattr__(self, name):  # tuples, touched: as they are; a COPY is noted
            attr = getattr(self._tx, name)
            if name != "copy":
                return attr

            def copy(table, *args):
                sent.append(f"COPY {table}")
                return attr(table, *args)
            return copy

    monkeypatch.setattr(type(engine), "write", lambda self, work: real(self, lambda tx: work(Spy(tx))))
    return sent


def test_a_first_load_skips_the_deletes_and_the_stale_scan(engine, monkeypatch):
    """An empty graph has no relationships to delete and no stale nodes: one look, not a statement
    per table."""
    sent = statements_of_writes(engine, monkeypatch)
    load(engine, [VALID])
    assert sent and not [s for s in sent if "DELETE" in s or "n.dataset IN" in s]


WRITING = ("CREATE", "MERGE", "SET", "DELETE", "COPY")


def test_reloading_the_same_files_writes_nothing(engine, monkeypatch):
    """Every node and relationship is already there as the files give it: nothing is deleted and
    written again (which cost a reload more than a first load)."""
    load(engine, [VALID])
    before = snapshot(engine)
    sent = statements_of_writes(engine, monkeypatch)
    report = load(engine, [VALID])
    assert [s for s in sent if any(word in s for word in WRITING)] == []
    assert (report.unchanged_nodes, report.unchanged_relationships) == (28, 39)
    assert snapshot(engine) == before


def change_fjordvik(folder: Path) -> None:
    """A node renamed, a node removed with its relationship, a relationship's kind changed and
    another's period ended: what an edit of a dataset does."""
    path = folder / "fjordvik.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("name: Nattpatrulje", "name: Nattjenesten"),
                     ("  - {id: nord-helse, name: Helse Nordøy, kind: service_area, part_of: nord, "
                      "valid_to: 2019-12-31}\n", ""),
                     ("reports_to: {id: helse, kind: dotted}", "reports_to: {id: helse, kind: line}"),
                     ("- {id: kommunedirektor, valid_from: 2020-01-01}",
                      "- {id: kommunedirektor, valid_from: 2020-01-01, valid_to: 2026-06-30}")):
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("batch", [2000, 1], ids=["by-ends", "pairs-whole"])
def test_a_reload_writes_the_difference_and_gives_a_first_loads_graph(engine, tmp_path, monkeypatch, batch):
    """Only what changed is written, and the graph is the one a first load of the new files gives.
    With BATCH 1, a pair with more than one relationship to delete is deleted whole and written
    again instead."""
    from orggraph.loader import write
    monkeypatch.setattr(write, "BATCH", batch)
    shutil.copytree(VALID, tmp_path / "in")
    load(engine, [tmp_path / "in"])
    change_fjordvik(tmp_path / "in")
    report = load(engine, [tmp_path / "in"])
    assert report.removed_nodes == 1
    assert report.nodes - report.unchanged_nodes == 1  # the renamed one
    # three relationships changed or went with the node (the node's own went with DETACH DELETE)
    assert report.relationships - report.unchanged_relationships == 2
    after = snapshot(engine)
    wipe(engine)
    load(engine, [tmp_path / "in"])
    assert snapshot(engine) == after


def test_identical_stored_relationships_are_written_again_whole(engine):
    """Two identical stored relationships (which a load never writes, but a client might) cannot
    be told apart by their ends and properties: their pair is deleted whole and written again."""
    load(engine, [VALID])
    before = snapshot(engine)
    engine.write(lambda tx: tx.run(
        "MATCH (a:Unit {id: 'natt'})-[r:PART_OF]->(b:Unit) CREATE (a)-[:PART_OF {dataset: r.dataset, "
        "source: r.source, valid_from: r.valid_from, valid_to: r.valid_to}]->(b)"))
    assert len(snapshot(engine)[1]) == len(before[1]) + 1
    load(engine, [VALID])
    assert snapshot(engine) == before


def test_a_node_dropped_but_still_linked_by_its_own_dataset_is_refused(engine, tmp_path):
    """A dataset that no longer lists a node but still links it: the load says which and where,
    and writes nothing."""
    (tmp_path / "a.yaml").write_text(
        "source: s\nunits: [{id: a1, name: A1, kind: unit}, {id: a2, name: A2, kind: unit, part_of: a1}]\n",
        encoding="utf-8")
    load(engine, [tmp_path])
    before = snapshot(engine)
    (tmp_path / "a.yaml").write_text(
        "source: s\nunits: [{id: a1, name: A1, kind: unit}]\n"
        "relationships: [{type: PART_OF, from: a2, to: a1}]\n", encoding="utf-8")
    with pytest.raises(OrggraphError, match="'a2' is no longer listed in dataset 'a', but the dataset "
                       "still links it to 'a1' \\(PART_OF\\)"):
        load(engine, [tmp_path])
    assert snapshot(engine) == before


def test_stale_nodes_are_only_the_reloaded_datasets_own(engine, tmp_path):
    """A reload removes the nodes its datasets no longer list, of a type the files still have
    (found among the stored rows the load reads anyway) and of a type they no longer have at all,
    and leaves another dataset's nodes of the same type alone."""
    (tmp_path / "a.yaml").write_text(
        "source: s\nunits: [{id: a1, name: A1, kind: unit}, {id: a2, name: A2, kind: unit}]\n"
        "services: [{id: sa, name: Tjeneste A}]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "source: s\nunits: [{id: b1, name: B1, kind: unit}]\nservices: [{id: sb, name: Tjeneste B}]\n",
        encoding="utf-8")
    load(engine, [tmp_path])
    (tmp_path / "a.yaml").write_text("source: s\nunits: [{id: a1, name: A1, kind: unit}]\n", encoding="utf-8")
    report = load(engine, [tmp_path / "a.yaml"])
    assert report.removed_nodes == 2
    ids = {r["id"] for r in engine.read("MATCH (n) RETURN n.id AS id")}
    assert ids == {"a1", "b1", "sb"}
