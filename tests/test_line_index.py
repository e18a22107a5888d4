"""The line index follows small writes by refreshing the ids they touched, and stays exactly what a
fresh build would be: after random API mutations (create, update and end nodes, add and end
relationships, on many dates), every structure equals one built afresh and every traversal answers
as the Cypher statements do. Writes that do not declare or touch too much drop it; a rolled-back
write changed nothing and keeps it."""
from __future__ import annotations

import datetime as dt
import gc
import random
import sys
import threading
import time
import weakref
from collections import Counter
from functools import partial

import pytest

from orggraph.api import writes
from orggraph.api.errors import InvalidWrite
from orggraph.config import Settings
from orggraph.engine import open_engine
from orggraph.errors import OrggraphError
from orggraph.loader.load import load
from orggraph.collation import fold
from orggraph.queries import line_index, traversals
from orggraph.queries.listing import ListOrder
from orggraph.queries.name_search import FoldedSearch, NameSearch, for_index
from orggraph.schema import REL_BY_NAME

from conftest import DATA, ROOT

STRUCTURES = ("nodes", "up", "down", "heads", "holders", "every", "links")
SOURCE = "tests/test_line_index.py"


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    monkeypatch.setattr(line_index, "BUILD_AT", 1)
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    try:
        yield engine
    finally:
        line_index.forget(engine)
        engine.close()
        gc.unfreeze()  # what builds behind froze goes back to the collector (a test process lives on)


def _shape(index: line_index.LineIndex) -> dict:
    """Every structure, order-insensitive (lists as multisets); an empty list counts as absent."""
    out = {}
    for name in STRUCTURES:
        structure = getattr(index, name)
        if name in ("nodes", "every"):
            out[name] = dict(structure)
        else:
            out[name] = {key: Counter(entries) for key, entries in structure.items() if entries}
    return out


def _assert_fresh(engine) -> line_index.LineIndex:
    """The engine's current index equals a fresh build, structure by structure."""
    index = line_index.current(engine)
    assert index is not None and index.generation == engine.generation
    fresh, kept = _shape(line_index.build(engine)), _shape(index)
    for name in STRUCTURES:
        if kept[name] != fresh[name]:
            extra = {k: v for k, v in kept[name].items() if fresh[name].get(k) != v}
            missing = {k: v for k, v in fresh[name].items() if kept[name].get(k) != v}
            pytest.fail(f"{name} differs: refreshed has {extra}, a fresh build has {missing}")
    assert index.size == line_index.build(engine).size
    return index


def _canonical(rows):
    return sorted((sorted(r.items(), key=str) for r in rows), key=str)


def _assert_answers(engine, ids: list[str], days: list[dt.date], monkeypatch) -> None:
    """Traversals from the index give what the Cypher statements give."""
    for node_id in ids:
        for day in days:
            asks = {"chain_of_command": {"id": node_id}, "span_of_control": {"id": node_id, "include_dotted": True},
                    "direct_reports": {"ids": [node_id], "include_dotted": False},
                    "neighbours": {"ids": [node_id]}, "dependents": {"ids": [node_id]}}
            for name, params in asks.items():
                answers = []
                for strategy in ("index", "statement"):
                    monkeypatch.setitem(traversals.STRATEGY[name], "ladybug", strategy)
                    answers.append(_canonical(engine.query(name, as_of=day, **params)))
                assert answers[0] == answers[1], (name, node_id, day)


KEPT = (FoldedSearch, NameSearch, ListOrder)


def _kept_answers(kept: dict, every: dict) -> list:
    """What the search, the `search_by_name` search and the lists kept beside the index answer."""
    words = sorted({word for _, name, *_ in every.values() if name for word in fold(name).split()})
    texts = ["", "e", "renamed", *words[:: max(1, len(words) // 12)]]
    out: list = []
    for day in DAYS[1::2]:
        out += [kept[FoldedSearch].search(fold(text), None, day, 20) for text in texts]
        out += [kept[NameSearch].search(text, day, 20) for text in texts]
        out += [list(kept[ListOrder].ids(label, day, order)) for label in LABELS for order in ("name", "id")]
    return out


# --- random mutations -------------------------------------------------------------------------------

LABELS = ("Unit", "Post", "Person", "Organisation")
RELS = ("PART_OF", "REPORTS_TO", "HEADS", "HOLDS", "MEMBER_OF", "DEPENDS_ON", "BELONGS_TO")
DAYS = [dt.date(2016, 1, 1), dt.date(2019, 6, 1), dt.date(2021, 3, 1), dt.date(2022, 1, 1),
        dt.date(2023, 7, 1), dt.date(2024, 12, 31)]


def _ids_by_label(engine) -> dict[str, list[str]]:
    index = line_index.build(engine)
    out: dict[str, list[str]] = {}
    for node_id, (label, *_rest) in sorted(index.every.items()):
        out.setdefault(label, []).append(node_id)
    return out


def _open_rels(engine) -> list[tuple]:
    return sorted(engine.read_tuples(
        "MATCH (a)-[r]->(b) WHERE r.valid_to IS NULL RETURN label(r), a.id, b.id, r.valid_from"), key=str)


def _fields(rng: random.Random, label: str, n: int) -> dict:
    start = rng.choice([None, *DAYS[:3]])
    fields = {"id": f"rnd-{label.lower()}-{n}", "source": SOURCE, "valid_from": start}
    fields["title" if label == "Post" else "name"] = f"{label} {n}"
    if label == "Unit":
        fields["kind"] = rng.choice(["unit", "section", "team"])
    if label == "Organisation":
        fields["kind"] = "municipality"
    return {k: v for k, v in fields.items() if v is not None}


def _mutation(engine, rng: random.Random, n: int):
    """One random API mutation, as the GraphQL resolvers call it."""
    ids = _ids_by_label(engine)
    what = rng.choice(["create", "update", "update", "end", "add", "add", "add", "end_rel"])
    if what == "create":
        label = rng.choice(LABELS)
        return partial(writes.create_node, engine, label, _fields(rng, label, n))
    if what in ("update", "end"):
        label = rng.choice([lab for lab in LABELS if ids.get(lab)])
        node_id = rng.choice(ids[label])
        if what == "end":
            return partial(writes.end_node, engine, label, node_id, rng.choice(DAYS), SOURCE, rng.random() < 0.8)
        text = "title" if label == "Post" else "name"
        fields = rng.choice([{text: f"renamed {n}"}, {"valid_from": rng.choice(DAYS[:2])},
                             {"valid_to": rng.choice(DAYS[2:])}, {"valid_from": None}])
        return partial(writes.update_node, engine, label, node_id, {**fields, "source": SOURCE})
    if what == "add":
        rel_type = rng.choice(RELS)
        pairs = [(s, t) for s, t in REL_BY_NAME[rel_type].pairs if ids.get(s) and ids.get(t)]
        source_label, target_label = rng.choice(pairs)
        fields = {"source": SOURCE, "valid_from": rng.choice(DAYS[2:5])}
        if rng.random() < 0.2:
            fields["valid_to"] = DAYS[5]
        if rel_type == "REPORTS_TO":
            fields["kind"] = rng.choice(["line", "dotted"])
        if rel_type == "HOLDS":
            fields["capacity"] = rng.choice(["ordinary", "acting"])
        return partial(writes.add_rel, engine, rel_type, rng.choice(ids[source_label]),
                       rng.choice(ids[target_label]), fields)
    rel_type, source, target, valid_from = rng.choice(_open_rels(engine))
    day = max(valid_from or DAYS[0], rng.choice(DAYS))
    return partial(writes.end_rel, engine, rel_type, source, target, valid_from, day, SOURCE)


@pytest.mark.parametrize("seed, dataset", [(1, DATA / "valid"), (2, DATA / "valid"), (3, ROOT / "data" / "seeds")],
                         ids=["test-data-1", "test-data-2", "seeds"])
def test_random_mutations_refresh_the_index_to_a_fresh_build(embedded, seed, dataset, monkeypatch):
    engine = embedded
    load(engine, [dataset])
    kept = {kind: for_index(engine, _assert_fresh(engine), kind) for kind in KEPT}
    rng = random.Random(seed)
    committed = refreshed = followed = 0
    for n in range(60):
        index = line_index._indexes[engine]
        before = index.refreshes
        try:
            engine.write(_mutation(engine, rng, n))
            committed += 1
        except InvalidWrite:  # rolled back: the graph is as it was, and so is the index
            assert _assert_fresh(engine) is index
            continue
        if rng.random() < 0.3:  # a second write before anyone asks: both are refreshed together
            try:
                engine.write(_mutation(engine, rng, 1000 + n))
            except InvalidWrite:
                pass  # the first write's ids are still refreshed below
        current = _assert_fresh(engine)
        assert current is index and current.refreshes == before + 1  # refreshed, not rebuilt
        refreshed += 1
        # what is kept beside the index follows the same ids, and answers as if made afresh
        now = {kind: for_index(engine, current, kind) for kind in KEPT}
        followed += all(now[kind] is kept[kind] for kind in KEPT)
        assert _kept_answers(now, current.every) == _kept_answers({k: k(current.every) for k in KEPT}, current.every)
        kept = now
        if n % 10 == 0:
            sample = sorted(current.nodes)[:: max(1, len(current.nodes) // 8)]
            _assert_answers(engine, sample, [DAYS[1], DAYS[3], DAYS[5]], monkeypatch)
    assert committed >= 20 and refreshed >= 15 and followed >= refreshed - 2, (committed, refreshed, followed)


def test_impact_from_the_index_reaches_agreements_as_the_statements_do(embedded, monkeypatch):
    """`impact` follows an organisation to the agreements it is party to (PARTY_TO out of it), from
    the index as from dependents.cypher, for every organisation and agreement of the seeds."""
    engine = embedded
    load(engine, [ROOT / "data" / "seeds"])
    index = _assert_fresh(engine)
    starts = sorted(i for i, (label, *_rest) in index.every.items() if label in ("Organisation", "Agreement"))
    answers = {}
    for strategy in ("index", "statement"):
        monkeypatch.setitem(traversals.STRATEGY["dependents"], "ladybug", strategy)
        answers[strategy] = {(start, day): _canonical(engine.query("impact", id=start, steps=2, as_of=day))
                             for start in starts for day in (dt.date(2007, 6, 1), dt.date(2017, 1, 1))}
    assert answers["index"] == answers["statement"]
    salangen = {dict(row)["id"] for row in answers["index"][("salangen", dt.date(2007, 6, 1))]}
    assert {"glsi-barnevern", "glsi-ikt-drift", "gratangen", "lavangen"} <= salangen


def test_a_deleted_node_leaves_the_index_at_both_ends(embedded):
    engine = embedded
    load(engine, [DATA / "valid"])
    index = _assert_fresh(engine)
    assert "hjemmetjeneste" in index.links and any(e[0] == "hjemmetjeneste" for e in index.links["helse"])

    def delete(tx):
        tx.touched(["hjemmetjeneste"])
        tx.run("MATCH (u:Unit {id: 'hjemmetjeneste'}) DETACH DELETE u")
    engine.write(delete)
    index = _assert_fresh(engine)
    assert index.refreshes == 1 and "hjemmetjeneste" not in index.every
    assert all(e[0] != "hjemmetjeneste" for entries in index.links.values() for e in entries)


def test_a_person_renamed_is_renamed_among_the_holders(embedded):
    engine = embedded
    load(engine, [DATA / "valid"])
    _assert_fresh(engine)
    person = engine.read_tuples("MATCH (p:Person)-[:HOLDS]->(:Post) RETURN p.id LIMIT 1")[0][0]
    engine.write(partial(writes.update_node, engine, "Person", person, {"name": "Ny Navnesen", "source": SOURCE}))
    index = _assert_fresh(engine)
    assert any(entry[0] == "Ny Navnesen" for entries in index.holders.values() for entry in entries)


def test_writes_that_cannot_be_refreshed_drop_the_index(embedded, monkeypatch):
    engine = embedded
    load(engine, [DATA / "valid"])
    index = _assert_fresh(engine)
    # undeclared: anything may have changed
    engine.write(lambda tx: tx.run("MATCH (u:Unit {id: 'rehab'}) SET u.name = 'Rehab'"))
    assert line_index.current(engine) is not index
    index = _assert_fresh(engine)
    assert index.every["rehab"][1] == "Rehab"

    # rolled back, declared or not: nothing changed, so the index is kept as it is
    def fails(tx):
        tx.run("MATCH (u:Unit {id: 'rehab'}) SET u.name = 'Never'")
        raise RuntimeError("changed my mind")
    with pytest.raises(RuntimeError):
        engine.write(fails)
    assert _assert_fresh(engine) is index
    assert index.every["rehab"][1] == "Rehab"

    # too many ids
    monkeypatch.setattr(line_index, "REFRESH_MAX", 1)
    engine.write(lambda tx: tx.touched(["rehab", "kjokken"]))
    assert line_index.current(engine) is not index
    index = _assert_fresh(engine)

    # one undeclared write among declared ones: the chain is broken
    monkeypatch.setattr(line_index, "REFRESH_MAX", 1000)
    engine.write(lambda tx: tx.touched(["rehab"]))
    engine.write(lambda tx: tx.run("MATCH (u:Unit {id: 'kjokken'}) SET u.name = 'Kjøkken'"))
    engine.write(lambda tx: tx.touched(["rehab"]))
    assert line_index.current(engine) is not index
    assert _assert_fresh(engine).every["kjokken"][1] == "Kjøkken"


def test_the_loader_drops_the_index(embedded):
    engine = embedded
    load(engine, [DATA / "valid"])
    index = _assert_fresh(engine)
    load(engine, [ROOT / "data" / "seeds"])
    assert line_index.current(engine) is not index
    _assert_fresh(engine)


def test_touched_since_remembers_only_committed_declared_writes(embedded):
    engine = embedded
    start = engine.generation
    engine.write(lambda tx: tx.touched(["a"]))
    middle = engine.generation
    engine.write(lambda tx: tx.touched(["b", "c"]))
    assert engine.touched_since(start) == {"a", "b", "c"}
    assert engine.touched_since(middle) == {"b", "c"}
    assert engine.touched_since(engine.generation) == set()
    def fails(tx):
        tx.run("MATCH (u:Unit) SET u.name = 'x'")
        raise RuntimeError("no")
    with pytest.raises(RuntimeError):  # rolled back: touched nothing, declared or not
        engine.write(fails)
    assert engine.touched_since(start) == {"a", "b", "c"}
    engine.write(lambda tx: None)  # declared nothing
    assert engine.touched_since(start) is None
    for _ in range(engine.WRITES_KEPT + 1):
        engine.write(lambda tx: tx.touched(["d"]))
    assert engine.touched_since(middle) is None  # too long ago to remember


# --- built behind a server ------------------------------------------------------------------------

class _Paused:
    """Wraps the reader a build behind the server is given (its own connection, reading_beside) so
    that it stops after the fourth node table (Organisation, Unit, Post, Person) until released: a
    test can ask questions and write while the build is half done."""

    def __init__(self, monkeypatch):
        self.reached, self.release, self.tables, self.readers = threading.Event(), threading.Event(), 0, []
        original = line_index.build

        def build(engine, by_table=False, read=None):
            if threading.current_thread().name != "orggraph-line-index":
                return original(engine, by_table, read)
            self.readers.append(read)

            def paused(cypher, params=None):
                rows = read(cypher, params)
                if cypher.startswith("MATCH (n:"):
                    self.tables += 1
                    if self.tables == 4:
                        self.reached.set()
                        assert self.release.wait(30), "the test never released the build"
                return rows
            return original(engine, by_table, paused)
        monkeypatch.setattr(line_index, "build", build)

    def builder(self, engine) -> threading.Thread:
        thread = line_index.build_in_background(engine)
        assert thread is not None and self.reached.wait(30)
        return thread

    def finish(self, thread: threading.Thread) -> None:
        self.release.set()
        thread.join(60)
        assert not thread.is_alive()


def test_a_server_builds_the_index_behind_its_questions(embedded, monkeypatch):
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    paused = _Paused(monkeypatch)
    builder = paused.builder(engine)
    # half built: questions run their statements at once, and start no build of their own
    assert line_index.status(engine) == "building" and not line_index.is_current(engine)
    monkeypatch.setitem(traversals.STRATEGY["chain_of_command"], "ladybug", "statement")
    by_statement = engine.query("chain_of_command", id="natt", as_of=DAYS[3])
    monkeypatch.setitem(traversals.STRATEGY["chain_of_command"], "ladybug", "index")
    assert engine.query("chain_of_command", id="natt", as_of=DAYS[3]) == by_statement
    assert not line_index.is_current(engine) and line_index._builders[engine] is builder
    paused.finish(builder)
    assert line_index.status(engine) == "current"
    index = _assert_fresh(engine)
    assert index.refreshes == 0 and engine.query("chain_of_command", id="natt", as_of=DAYS[3]) == by_statement
    # the API's search and list orders were made with it, before any question asked for them
    assert all(getattr(index, f"_{kind.__name__}")[0] == index.generation for kind in (FoldedSearch, ListOrder))


def test_the_build_behind_the_server_reads_beside_a_write_in_progress(embedded, monkeypatch):
    """Its reads go by a connection of their own (EmbeddedEngine.reading_beside): a whole table at
    national scale takes seconds, and questions and writes on the engine's connection do not wait
    for it, nor it for them. It reads what is committed."""
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    monkeypatch.setattr(engine, "SLICE", 2)  # rows come in slices; every slice is kept
    before = {row["id"] for row in engine.read("MATCH (p:Post) RETURN p.id AS id")}
    assert len(before) > engine.SLICE
    seen: dict = {}
    with engine.reading_beside() as read:
        def work(tx):
            writes.create_node(engine, "Post", {"id": "beside-post", "title": "Ny", "source": SOURCE}, tx)
            reader = threading.Thread(target=lambda: seen.update(ids={r[0] for r in read("MATCH (p:Post) RETURN p.id")}))
            reader.start()
            reader.join(20)  # the write holds the engine's connection all along
            seen["waited"] = reader.is_alive()
        engine.write(work)
        assert not seen["waited"] and seen["ids"] == before  # the uncommitted post is not there
        assert {r[0] for r in read("MATCH (p:Post) RETURN p.id")} == before | {"beside-post"}
    # a build then catches up from the generation before its first read
    line_index.build_in_background(engine).join(60)
    assert "beside-post" in _assert_fresh(engine).every


def test_a_build_behind_the_server_waits_for_a_write_in_progress_at_its_start_and_end(embedded, monkeypatch):
    """Its reads do not wait for writes, but the generation it starts from and its catch-up do
    (Engine.quiet): taken in the middle of a write, either would drop a good index."""
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)

    def slow_post(post_id, started=None):
        def work(tx):
            writes.create_node(engine, "Post", {"id": post_id, "title": "Ny", "source": SOURCE}, tx)
            if started is not None:
                started.set()
            time.sleep(0.5)  # a build started meanwhile reaches its first read, or its catch-up
        return work
    # at its start: begun while a write runs
    writer = threading.Thread(target=engine.write, args=(slow_post("first-post", started := threading.Event()),))
    writer.start()
    assert started.wait(10)
    builder = line_index.build_in_background(engine)
    writer.join(10)
    builder.join(60)
    assert line_index.is_current(engine) and "first-post" in _assert_fresh(engine).every
    # at its end: the build is done reading while a write runs
    line_index.forget(engine)
    paused = _Paused(monkeypatch)
    builder = paused.builder(engine)
    writer = threading.Thread(target=engine.write, args=(slow_post("second-post", started := threading.Event()),))
    writer.start()
    assert started.wait(10)
    paused.finish(builder)
    writer.join(10)
    assert line_index.is_current(engine) and "second-post" in _assert_fresh(engine).every


def test_an_index_built_behind_the_server_is_out_of_the_collectors_walks_and_freed_when_dropped(embedded):
    """Frozen (gc.freeze) so that no full collection walks its entries again, and without reference
    cycles, so that a dropped index and what is kept beside it are still freed (by reference count)."""
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    gc.unfreeze()
    line_index.build_in_background(engine).join(60)
    index = line_index.current(engine)
    tracked = {id(o) for o in gc.get_objects()}
    assert gc.get_freeze_count() > 0 and gc.is_tracked(index.every) and id(index.every) not in tracked
    assert gc.isenabled() and sys.getswitchinterval() == pytest.approx(0.005)  # as they were
    refs = [weakref.ref(index)] + [weakref.ref(for_index(engine, index, kind)) for kind in KEPT]
    line_index.forget(engine)
    del index
    assert [ref() for ref in refs] == [None] * len(refs)


def test_closing_the_engine_closes_a_connection_read_beside(tmp_path):
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    load(engine, [DATA / "valid"])
    with engine.reading_beside() as read:
        assert read("MATCH (p:Post) RETURN count(p)")[0][0] > 0
        engine.close()
        with pytest.raises(OrggraphError, match="closed"):
            read("MATCH (p:Post) RETURN count(p)")
    with pytest.raises(OrggraphError, match="closed"):
        with engine.reading_beside():
            pass


@pytest.mark.parametrize("seed", [4, 5])
def test_writes_during_a_build_behind_the_server_are_caught_up(embedded, monkeypatch, seed):
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    paused = _Paused(monkeypatch)
    builder = paused.builder(engine)
    # a post and a person the build did not read, one holding the other: their HOLDS is read
    post = "new-post"
    engine.write(partial(writes.create_node, engine, "Post", {"id": post, "title": "Ny stilling",
                                                              "source": SOURCE}))
    engine.write(partial(writes.create_node, engine, "Person", {"id": "new-person", "name": "Ny Person",
                                                                "source": SOURCE}))
    engine.write(partial(writes.add_rel, engine, "HOLDS", "new-person", post,
                         {"source": SOURCE, "valid_from": DAYS[2], "capacity": "ordinary"}))
    rng, committed = random.Random(seed), 0
    for n in range(12):  # tables already read and tables still to read both change
        try:
            engine.write(_mutation(engine, rng, n))
            committed += 1
        except InvalidWrite:
            pass
    paused.finish(builder)
    assert committed >= 4 and line_index.is_current(engine)
    index = _assert_fresh(engine)  # current without a build in this thread: refreshed behind
    assert index.refreshes == 1 and any(e[-1] == "new-person" for e in index.holders[post])
    made = {kind: getattr(index, f"_{kind.__name__}")[1] for kind in (FoldedSearch, ListOrder)}
    kept = {kind: for_index(engine, index, kind) for kind in KEPT}
    assert all(kept[kind] is made[kind] for kind in made)  # followed the writes, not made again
    assert _kept_answers(kept, index.every) == _kept_answers({k: k(index.every) for k in KEPT}, index.every)


def test_a_load_during_a_build_behind_the_server_drops_it_and_the_next_question_builds_again(embedded,
                                                                                            monkeypatch):
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    paused = _Paused(monkeypatch)
    builder = paused.builder(engine)
    load(engine, [ROOT / "data" / "seeds"])  # declares nothing: anything may have changed
    paused.finish(builder)
    assert line_index.status(engine) == "not built"
    assert line_index.current(engine) is None  # runs the statement; a build starts behind
    again = line_index._builders[engine]
    again.join(60)
    _assert_fresh(engine)


def test_a_failed_build_behind_the_server_is_logged_and_not_retried_by_every_question(embedded, monkeypatch,
                                                                                       caplog):
    engine = embedded
    load(engine, [DATA / "valid"])
    line_index.forget(engine)
    real_build = line_index.build

    def broken(engine, by_table=False, read=None):
        raise RuntimeError("the disk is gone")
    monkeypatch.setattr(line_index, "build", broken)
    line_index.build_in_background(engine).join(30)
    assert "building the line index failed" in caplog.text and "the disk is gone" in caplog.text
    failed = line_index._builders[engine]
    answer = engine.query("span_of_control", id="helse", as_of=DAYS[3])
    assert answer and line_index._builders[engine] is failed  # answered by its statement, no new build
    assert line_index.status(engine) == "not built"
    monkeypatch.setattr(line_index, "build", real_build)
    monkeypatch.setattr(line_index, "RETRY_AFTER", 0.0)  # as if a minute had passed
    assert line_index.current(engine) is None
    line_index._builders[engine].join(60)
    assert line_index._builders[engine] is not failed and line_index.is_current(engine)
