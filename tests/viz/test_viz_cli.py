"""`orggraph chart …` and `orggraph hearing …` through a Typer app built like orggraph/cli.py will
(app.add_typer(chart_app, name="chart"); app.command("hearing")(hearing)), on the embedded engine."""
from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from orggraph import cli
from orggraph.config import Settings
from orggraph.engine import open_engine
from orggraph.loader.load import load
from orggraph.viz.cli import chart_app, hearing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "graph.lbdb"
    engine = open_engine(Settings(engine="embedded", db_path=db))
    load(engine, [ROOT / "tests" / "data" / "valid", ROOT / "data" / "seeds"])
    engine.close()
    app = typer.Typer()
    app.callback()(cli.main_options)
    app.add_typer(chart_app, name="chart")
    app.command("hearing")(hearing)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--engine", "embedded", "--db", str(db), *args], catch_exceptions=True)
    return invoke


def test_chart_commands_write_files(run, tmp_path):
    out = tmp_path / "isk.png"
    result = run("chart", "org", "isk", "--as-of", "2010-01-01", "--depth", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    svg = tmp_path / "deps.svg"
    assert run("chart", "deps", "salangen", "--as-of", "2007-05-24", "--steps", "2", "-o", str(svg)).exit_code == 0
    assert "Salangen" in svg.read_text(encoding="utf-8")
    dot = tmp_path / "forums.dot"
    assert run("chart", "forums", "isk", "--format", "dot", "-o", str(dot)).exit_code == 0
    assert dot.read_text(encoding="utf-8").startswith("digraph")
    diff = tmp_path / "diff.pdf"
    result = run("chart", "diff", "fjordvik", "--from", "2019-12-31", "--to", "2020-01-01", "-o", str(diff))
    assert result.exit_code == 0 and diff.read_bytes().startswith(b"%PDF")
    pdf = tmp_path / "hearing.pdf"
    assert run("hearing", "helse", "--as-of", "2022-01-01", "-o", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_chart_errors_are_chart_errors(run):
    from orggraph.viz import ChartError
    result = run("chart", "org", "finnes-ikke")
    assert isinstance(result.exception, ChartError) and result.exception.exit_code == 2
    result = run("chart", "org", "isk", "--format", "gif")
    assert isinstance(result.exception, ChartError)
