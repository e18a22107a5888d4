"""`orggraph bench` keeps working (tiny scale, both engines, every number present; no timing is
asserted), and the query strategies it compares give the same answers."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from orggraph.loader.load import load
from orggraph.queries import line_index, traversals

from conftest import DATA, ROOT, require_neo4j

SEEDS = ROOT / "data" / "seeds"
STEPS = ("direct_reports", "neighbours", "dependents")


def _canonical(rows):
    return sorted((sorted(r.items(), key=str) for r in rows), key=str)


@pytest.mark.parametrize("dataset", [DATA / "valid", SEEDS], ids=["test-data", "seeds"])
def test_every_strategy_gives_the_same_answers(engine, dataset, monkeypatch):
    """statement, hops and the line index agree on every node and many dates, dotted lines included."""
    load(engine, [dataset])
    monkeypatch.setattr(line_index, "BUILD_AT", 1)
    strategies = {"chain_of_command": ["statement", "hops"], "span_of_control": ["statement"],
                  "direct_reports": ["statement"], "neighbours": ["statement"], "dependents": ["statement"],
                  "subordinates": [], "within": [], "impact": [], "connection": []}
    if engine.dialect == "ladybug":
        strategies = {name: s + ["index"] if s else s for name, s in strategies.items()}
    ids = sorted(r["id"] for r in engine.read("MATCH (n:Unit) RETURN n.id AS id UNION "
                                              "MATCH (n:Post) RETURN n.id AS id UNION "
                                              "MATCH (n:Organisation) RETURN n.id AS id"))
    days = [dt.date(2004, 6, 1), dt.date(2016, 1, 1), dt.date(2018, 6, 1), dt.date(2020, 1, 1),
            dt.date(2022, 1, 1)]
    asked = answered = 0
    for name, choices in strategies.items():
        for node_id in ids[:: max(1, len(ids) // 40)]:
            for day in days:
                params = {"id": node_id, "as_of": day}
                if name in ("direct_reports", "neighbours", "dependents"):  # one-hop steps take a list
                    params = {"ids": [node_id, ids[(ids.index(node_id) + 7) % len(ids)]], "as_of": day}
                if name == "connection":
                    params = {"from_id": node_id, "to_id": ids[(ids.index(node_id) + 13) % len(ids)], "as_of": day}
                if name in ("span_of_control", "direct_reports", "subordinates"):
                    params["include_dotted"] = day.year % 2 == 0
                answers = {}
                for strategy in choices:
                    monkeypatch.setitem(traversals.STRATEGY[name], engine.dialect, strategy)
                    answers[strategy] = _canonical(engine.query(name, **params))
                if not choices:  # a traversal: its steps from the line index against from statements
                    for strategy in ("statement", "index") if engine.dialect == "ladybug" else ("statement",):
                        for step in STEPS:
                            monkeypatch.setitem(traversals.STRATEGY[step], engine.dialect, strategy)
                        answers[strategy] = _canonical(engine.query(name, **params))
                first = next(iter(answers.values()))
                assert all(a == first for a in answers.values()), (name, params, answers)
                asked += 1
                answered += bool(first)
    assert answered > asked // 4, "too few non-empty answers to prove anything"


def test_line_index_is_rebuilt_after_a_write(engine, monkeypatch):
    if engine.dialect != "ladybug":
        pytest.skip("only the embedded engine caches the line of command")
    monkeypatch.setattr(line_index, "BUILD_AT", 1)
    load(engine, [DATA / "valid"])
    before = engine.query("chain_of_command", id="natt", as_of="2022-01-01")
    assert [r["id"] for r in before] == ["hjemmetjeneste", "helse", "fjordvik"]
    index = line_index.current(engine)
    assert index is not None and index.generation == engine.generation
    engine.write(lambda tx: tx.run("MATCH (u:Unit)-[r:PART_OF]->(p:Unit) WHERE u.id = 'hjemmetjeneste' "
                                   "SET r.valid_to = date('2021-06-30')"))
    assert line_index.current(engine) is not index  # a write makes the old index stale
    after = engine.query("chain_of_command", id="natt", as_of="2022-01-01")
    assert [r["id"] for r in after] == ["hjemmetjeneste"]
    assert [r["id"] for r in engine.query("chain_of_command", id="natt", as_of="2021-01-01")] == \
        ["hjemmetjeneste", "helse", "fjordvik"]


def test_traversals_from_the_index_follow_writes_and_dates(engine, monkeypatch):
    """subordinates, within, impact and connection answer from the index on LadybugDB: a write must
    show at once, earlier dates must still see the old line, and Neo4j must give the same."""
    monkeypatch.setattr(line_index, "BUILD_AT", 1)
    load(engine, [DATA / "valid"])

    def ask() -> dict:
        return {day: ({r["id"] for r in engine.query("subordinates", id="helse", depth=3, as_of=day)},
                      {r["id"] for r in engine.query("within", id="hjemmetjeneste", steps=1, as_of=day)},
                      {r["id"] for r in engine.query("impact", id="helse", steps=2, as_of=day)},
                      [(r["relationship"], r["id"]) for r in engine.query("connection", from_id="natt",
                                                                           to_id="helse", as_of=day)])
                for day in ("2021-01-01", "2022-01-01")}
    before = ask()
    if engine.dialect == "ladybug":
        assert line_index._indexes[engine].generation == engine.generation  # answered from the index
    subs, near, hit, path = before["2022-01-01"]
    assert {"hjemmetjeneste", "natt"} <= subs and "helse" in near and "hjemmetjeneste" in hit
    assert path == [("PART_OF", "hjemmetjeneste"), ("PART_OF", "helse")]
    engine.write(lambda tx: tx.run("MATCH (u:Unit)-[r:PART_OF]->(p:Unit) WHERE u.id = 'hjemmetjeneste' "
                                   "SET r.valid_to = date('2021-06-30')"))
    after = ask()
    if engine.dialect == "ladybug":
        assert line_index._indexes[engine].generation == engine.generation  # rebuilt after the write
    assert after["2021-01-01"] == before["2021-01-01"]  # the past is unchanged
    subs, near, hit, path = after["2022-01-01"]
    assert "hjemmetjeneste" not in subs and "natt" not in subs
    assert "helse" not in near and "hjemmetjeneste" not in hit
    # no longer part of helse: the shortest way now goes through the heads' reporting line
    assert path == [("PART_OF", "hjemmetjeneste"), ("HEADS", "leder-hjemme"),
                    ("REPORTS_TO", "kommunalsjef-helse"), ("HEADS", "helse")]


def test_a_one_off_question_does_not_build_the_index(tmp_path):
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    try:
        load(engine, [DATA / "valid"])
        engine.query("chain_of_command", id="natt", as_of="2022-01-01")
        assert line_index._indexes.get(engine) is None
        engine.query("span_of_control", id="helse", as_of="2022-01-01")  # the second question builds it
        assert line_index._indexes.get(engine) is not None
    finally:
        engine.close()


def test_a_question_of_many_reads_counts_once_toward_the_build(tmp_path, monkeypatch):
    """A traversal's steps and a chart's levels are one question: a one-off one (the CLI) runs its
    statements, and the index is built at the second question, not at the second read."""
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    from orggraph.viz import build
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    reads = []
    try:
        load(engine, [DATA / "valid"])
        line_index.forget(engine)
        read = engine.read
        monkeypatch.setattr(engine, "read", lambda cypher, params=None: reads.append(cypher) or read(cypher, params))
        rows = engine.query("subordinates", id="fjordvik", depth=3, as_of="2022-01-01")
        assert len({r["depth"] for r in rows}) >= 2 and len(reads) >= 2  # steps, each a statement
        assert line_index._indexes.get(engine) is None
        line_index.forget(engine)
        reads.clear()
        chart = build("org", engine, "fjordvik", "2022-01-01", depth=3)
        assert len(chart.boxes) > 3 and len(reads) >= 3  # levels, each a statement
        assert line_index._indexes.get(engine) is None
        first = chart.graph().source
        second = build("org", engine, "fjordvik", "2022-01-01", depth=3)  # the second question builds it
        assert line_index._indexes.get(engine) is not None and second.graph().source == first
    finally:
        engine.close()


def test_server_start_asks_while_the_index_is_built_behind(tmp_path, monkeypatch):
    """`bench.measure.server_start` times requests while the build runs (here made to take 0.4 s),
    and leaves the engine as it found it: builds in questions, no build behind."""
    from orggraph.bench import measure
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    try:
        load(engine, [DATA / "valid"])
        real_build = line_index.build

        def slow_build(engine, by_table=False, read=None):
            index = real_build(engine, by_table, read)
            time.sleep(0.4)
            return index
        monkeypatch.setattr(line_index, "build", slow_build)
        line = [row["id"] for row in engine.read("MATCH (p:Post) RETURN p.id AS id")]
        result = measure.server_start(engine, {"line": line})
        assert result["current_after_seconds"] >= 0.4 and result["requests"] >= 3
        assert result["during"]["n"] == result["requests"] and 0 < result["during"]["p50_ms"] <= result["during"]["max_ms"]
        assert engine not in line_index._behind and not line_index.is_current(engine)
    finally:
        line_index.forget(engine)
        engine.close()


def test_bench_produces_every_number_on_both_engines(tmp_path, monkeypatch):
    settings = require_neo4j()
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    from orggraph.bench.cli import bench
    from orggraph.bench.report import QUERY_ROWS
    output = tmp_path / "BENCHMARKS.md"
    bench(scale=0.002, engines="embedded,neo4j", runs=5, output=output, workdir=tmp_path / "work",
          json_out=None, warmup=0.5)
    report = bench.last_report
    assert set(report["engines"]) == {"embedded", "neo4j"}
    for name, result in report["engines"].items():
        assert "error" not in result, result.get("error")
        numbers = [result["load"]["seconds"], result["load"]["rows_per_second"], result["load"]["ratio_to_bulk"],
                   result["bulk"]["seconds"], result["bulk"]["rows_per_second"], result["chart"]["seconds"],
                   result["memory"]["python_peak_rss_mb"], result["graphql"]["ratio_p50"],
                   result["graphql"]["with_client"]["p50_ms"],
                   *(result["graphql"]["root_fields"][k][p] for k in ("search", "units_page") for p in ("p50_ms", "p95_ms"))]
        numbers += [result["reload"]["seconds"], result["reload"]["write_seconds"]]
        assert result["reload"]["written"] == 0  # the same files again: nothing to write
        assert result["load"]["written"] == result["dataset"]["nodes"] + result["dataset"]["relationships"]
        assert result["warm_up"]["calls"] > 0 and result["warm_up"]["seconds"] >= 0.5
        numbers += [result["queries"][key][p] for _, key, _ in QUERY_ROWS for p in ("p50_ms", "p95_ms")]
        numbers += [v[p] for k, v in result["strategies"].items() if "/" in k for p in ("p50_ms", "p95_ms")]
        assert all(isinstance(n, (int, float)) and n >= 0 for n in numbers), (name, numbers)
        assert result["chart"]["units"] >= 500
        questions = result["graphql"]["questions"]  # the other graph questions, both ways
        assert set(questions) == {"span_of_control", "subordinates_depth_3", "within_2"}
        assert all(q["ratio_p50"] > 0 and q["graphql"]["p50_ms"] > 0 and q["direct"]["p50_ms"] > 0
                   for q in questions.values()), questions
        in_graph = result["chart_in_graph"]  # the municipality with the most units, in the graph itself
        assert in_graph["seconds"] >= 0 and in_graph["units"] >= 1 and in_graph["boxes"] >= 1
        assert (in_graph.get("statement_seconds") is not None) == (name == "embedded")
        assert in_graph["deps_seconds"] >= 0 and in_graph["deps_boxes"] >= 1
        assert (in_graph.get("deps_statement_seconds") is not None) == (name == "embedded")
        assert "chain_of_command/statement" in result["strategies"]
        assert "chain_of_command/hops" in result["strategies"]
        agree = result["strategies"]["agree"]  # index (LadybugDB) or hops (Neo4j) against statements
        assert agree["compared"] >= (60 if name == "neo4j" else 120) and agree["differ"] == 0, agree
        assert agree["merged"] >= 3 * (10 if name == "neo4j" else 20), agree  # ids of merged municipalities
    for key in ("chain_of_command/index", "subordinates/statement", "subordinates/index", "within/statement",
                "within/index", "search_by_name/statement", "search_by_name/index"):
        assert key in report["engines"]["embedded"]["strategies"], key
    assert report["engines"]["embedded"]["graphql"]["overhead_p50_ms"] is not None
    assert report["engines"]["embedded"]["strategies"]["index_build_seconds"] >= 0
    assert report["engines"]["embedded"]["server_start"]["current_after_seconds"] >= 0
    assert "server_start" not in report["engines"]["neo4j"]  # Neo4j has no line index to build
    if os.environ.get("ORGGRAPH_NEO4J_HOME"):
        assert report["engines"]["neo4j"]["memory"]["neo4j_jvm"]["rss_mb"] > 0
    text = output.read_text(encoding="utf-8")
    for needle in ("scale 0.002", "0.5 s of warm-up", "load again, the same files", "Machine:", "Python", "LadybugDB", "Neo4j", "chain of command",
                   "GraphQL ratio", "the other questions", "`search(text:)`", "`units(first: 50)`", "server start", "org chart", "org chart in the graph",
                   "dependency map in the graph", "peak memory", "line index", "answers against the statements'"):
        assert needle in text, needle
    assert "error" not in text.split("Targets:")[0].lower()


def test_the_graphql_target_counts_every_question_asked_both_ways():
    from orggraph.bench.report import verdicts

    def report(**ratios):
        chain = ratios.pop("chain")
        return {"engines": {"embedded": {"graphql": {"ratio_p50": chain, "questions": {
            key: {"ratio_p50": value, "graphql": {"p50_ms": value}, "direct": {"p50_ms": 1.0}}
            for key, value in ratios.items()}}}}}

    def graphql_line(**ratios):
        return next(line for line in verdicts(report(**ratios)) if "GraphQL" in line)
    assert ": met (" in graphql_line(chain=1.2, span_of_control=1.1, subordinates_depth_3=1.4, within_2=1.5)
    missed = graphql_line(chain=1.2, span_of_control=1.1, subordinates_depth_3=2.0, within_2=1.5)
    assert "**missed**" in missed and "subordinates to depth 3 2.00×" in missed and "chain of command 1.20×" in missed


def test_answers_that_differ_between_strategies_are_reported_loudly():
    from orggraph.bench.report import strategy_rows, verdicts

    def report(differing):
        agree = {"compared": 138, "differ": len(differing), "first": differing[:3],
                 "days": ["2015-06-01", "2024-06-01"]}
        return {"engines": {"embedded": {"strategies": {"agree": agree}}}}
    same, wrong = report([]), report(["chain_of_command k0001-u3 2015-06-01", "within k0002 2024-06-01"])
    row = dict(strategy_rows(same))["the faster strategy's answers against the statements' (sample ids × 3 days, order aside)"]
    assert row == ["the same in 138 of 138 (2015-06-01, 2024-06-01)"]
    assert not any("differ" in line for line in verdicts(same))
    same["engines"]["embedded"]["strategies"]["agree"]["merged"] = 60
    row = dict(strategy_rows(same))["the faster strategy's answers against the statements' (sample ids × 3 days, order aside)"]
    assert row == ["the same in 138 of 138 (2015-06-01, 2024-06-01; 60 of them in municipalities begun by a merger or a split)"]
    (line,) = [line for line in verdicts(wrong) if "differ" in line]
    assert "**2 of 138 differ**" in line and "chain_of_command k0001-u3 2015-06-01" in line
