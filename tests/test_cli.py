"""The command line: help everywhere, clear errors and exit codes, documented in the README."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.main import get_command

from orggraph.cli import app

from conftest import DATA, ROOT


def run(*args: str, env: dict | None = None, db: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    if db is not None:
        full_env["ORGGRAPH_DB"] = str(db)
        full_env.pop("ORGGRAPH_ENGINE", None)
    return subprocess.run([sys.executable, "-m", "orggraph", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


def commands() -> list[str]:
    return sorted(get_command(app).commands)


def test_every_command_has_help():
    for name in ["", *commands()]:
        result = run(*([name] if name else []), "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout and len(result.stdout) > 200


def test_every_command_shows_examples_of_itself():
    from orggraph.cli_examples import EXAMPLES
    chart = sorted(get_command(app).commands["chart"].commands)
    assert set(EXAMPLES) == {*commands(), *(f"chart {c}" for c in chart)} - {"chart"}
    for name, lines in EXAMPLES.items():
        assert all(line.startswith(f"orggraph ") and f" {name}" in line for line in lines), name
    shown = run("chart", "org", "--help", env={"COLUMNS": "200"}).stdout
    assert "Examples" in shown and EXAMPLES["chart org"][0] in shown


def test_help_text_is_reflowed_not_broken_where_the_source_wrapped_it():
    # the docstrings wrap at 100 columns in the source; rich help used to keep those breaks
    shown = run("load", "--help", env={"COLUMNS": "400"}).stdout
    assert "removed, and named. Only what changed is written" in shown
    listed = run("chart", "--help", env={"COLUMNS": "400"}).stdout
    assert "FTE, line and dotted reporting." in listed


def test_version_is_the_installed_package_version():
    from importlib.metadata import version
    result = run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"orggraph {version('orggraph')}"), result.stderr


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in commands():
        assert re.search(rf"orggraph( --\S+ \S+)* {name}\b", readme), f"README lacks `orggraph {name}`"


def test_validate_lists_problems_with_file_and_line_and_exits_2():
    result = run("validate", str(DATA / "invalid" / "broken.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert re.search(r"broken\.yaml:4 \[kommunenummer\]: must be text", result.stderr)
    assert result.stderr.count("broken.yaml:") >= 19


def test_load_query_and_stats_round_trip(tmp_path):
    db = tmp_path / "g.lbdb"
    loaded = run("load", str(DATA / "valid"), db=db)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 28 nodes and 39 relationships" in loaded.stdout
    stats = json.loads(run("stats", "--json", db=db).stdout)
    assert stats["Unit"] == 8 and stats["PARTY_TO"] == 4
    rows = json.loads(run("query", "chain_of_command", "-p", "id=natt", "-p", "as_of=2022-01-01",
                          "--json", db=db).stdout)
    assert [r["id"] for r in rows] == ["hjemmetjeneste", "helse", "fjordvik"]
    table = run("query", "members", "--param", "id=fellesnemnda", "--param", "as_of=2019-01-01", db=db)
    assert "Nordøy" in table.stdout and "Sørå" in table.stdout
    # no rows: on another date an empty answer; for an id the graph never held, an error saying so
    later = run("query", "members", "-p", "id=fellesnemnda", "-p", "as_of=2021-01-01", db=db)
    assert (later.returncode, later.stderr.strip()) == (0, "no rows")
    typo = run("query", "connection", "-p", "from_id=natt", "-p", "to_id=fellesnemda", db=db)
    assert typo.returncode == 2 and "--param to_id: no node has id 'fellesnemda'" in typo.stderr


def test_expected_failures_have_no_traceback(tmp_path):
    db = tmp_path / "g.lbdb"
    cases = [
        (run("query", "nonsense", db=db), 2, "no named query"),
        (run("query", "chain_of_command", "-p", "idd=x", db=db), 2, "has no parameter 'idd'"),
        (run("query", "subordinates", "-p", "id=x", "-p", "depth=deep", db=db), 2, "must be an int"),
        (run("query", "search_by_name", "-p", "text=a", "-p", "first=-1", db=db), 2, "must be from 0 to"),
        (run("query", "within", "-p", "id=x", "-p", "steps=99999999999999999999", db=db), 2,
         "parameter 'steps' must be from 0 to"),
        (run("load", str(tmp_path / "missing.yaml"), db=db), 2, "no such file"),
        (run("--engine", "oracle", "stats", db=db), 2, "unknown engine"),
        (run("export", str(tmp_path / "out"), "--as-of", "2020-13-01", db=db), 2, "--as-of must be a date"),
        (run("export", str(tmp_path / "out"), "--as-of", "20200101", db=db), 2, "--as-of must be a date"),
        (run("query", "chain_of_command", "-p", "id=x", "-p", "as_of=2020W011", db=db), 2, "must be a date"),
        (run("stats", env={"ORGGRAPH_ENGINE": "neo4j", "NEO4J_URI": "bolt://127.0.0.1:1"}), 4,
         "cannot reach Neo4j"),
        # a mistyped --db: no new empty database is made and answered from
        (run("stats", db=tmp_path / "typo.lbdb"), 2, "no database at"),
        (run("query", "members", "-p", "id=x", db=tmp_path / "typo.lbdb"), 2, "no database at"),
        (run("chart", "org", "x", db=tmp_path / "typo.lbdb"), 2, "no database at"),
    ]
    for result, code, text in cases:
        assert result.returncode == code, (result.args, result.stderr)
        assert text in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not any(tmp_path.glob("typo*"))


def test_a_second_process_is_told_who_holds_the_embedded_database(tmp_path):
    db = tmp_path / "g.lbdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from orggraph.config import Settings;"
         "from orggraph.engine import open_engine;"
         f"e = open_engine(Settings(engine='embedded', db_path={str(db)!r})); print('ready', flush=True);"
         "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run("load", str(DATA / "valid"), db=db)
        assert result.returncode == 3
        assert f"pid {holder.pid}" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.communicate("", timeout=30)
    # once the holder is gone the same load works
    assert run("load", str(DATA / "valid"), db=db).returncode == 0


def test_query_list_shows_every_named_query():
    from orggraph.queries import all_queries
    listing = run("query").stdout
    for name in all_queries():
        assert name in listing


def test_schema_formats():
    assert "CREATE CONSTRAINT entity_id IF NOT EXISTS" in run("schema", "--format", "neo4j").stdout
    assert "CREATE NODE TABLE IF NOT EXISTS Unit(" in run("schema", "--format", "ladybug").stdout
    published = json.loads((ROOT / "docs" / "orggraph.schema.json").read_text(encoding="utf-8"))
    assert json.loads(run("schema", "--format", "json-schema").stdout) == published, \
        "docs/orggraph.schema.json is stale: regenerate with `orggraph schema --format json-schema`"


def test_validate_and_load_show_their_reading_as_it_goes(tmp_path):
    """Reading and checking national files takes many seconds before a row is written: on a pipe
    it is shown as lines of kilobytes read, ending at the total, then the rows written."""
    env = {"ORGGRAPH_PROGRESS_SECONDS": "0"}
    checked = run("validate", str(DATA / "valid"), env=env)
    loaded = run("load", str(DATA / "valid"), env=env, db=tmp_path / "g.lbdb")
    for result in (checked, loaded):
        assert result.returncode == 0, result.stderr
        counts = re.findall(r"^reading files \(kB\): (\d+)/(\d+)$", result.stderr, re.M)
        assert counts and counts[-1][0] == counts[-1][1], result.stderr
    assert re.search(r"^loading: (\d+)/\1$", loaded.stderr, re.M), loaded.stderr
