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


def test_output_that_cannot_be_written_is_a_clear_error(run, tmp_path):
    from orggraph.viz import ChartError
    afile, folder = tmp_path / "afile", tmp_path / "somedir"
    afile.write_text("keep", encoding="utf-8")
    folder.mkdir()
    cases = [(("chart", "org", "isk", "--as-of", "2010-01-01", "-o", str(afile / "x.png")), "afile is a file"),
             (("chart", "org", "isk", "--as-of", "2010-01-01", "-o", str(folder)), "is a folder"),
             (("chart", "diff", "sandefjord", "--from", "2016-12-31", "--to", "2017-01-01", "-o", str(folder)),
              "is a folder"),
             (("hearing", "isk", "--as-of", "2010-01-01", "-o", str(folder)), "is a folder")]
    if Path("/proc/self").is_dir():  # a folder where nothing can be created
        cases.append((("chart", "org", "isk", "--as-of", "2010-01-01", "-o", "/proc/x.png"), "/proc/x.png"))
    for args, message in cases:
        result = run(*args)
        assert isinstance(result.exception, ChartError) and result.exception.exit_code == 2, (args, result.exception)
        assert message in str(result.exception) and args[-1] in str(result.exception)
    assert afile.read_text(encoding="utf-8") == "keep" and not list(folder.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_format_follows_the_file_name(run, tmp_path):
    from orggraph.viz import ChartError
    org = ("chart", "org", "isk", "--as-of", "2010-01-01", "--depth", "1")
    for args, message in [((*org, "-o", str(tmp_path / "g.jpg")), ".jpg is not a format"),
                          ((*org, "-o", str(tmp_path / "noext")), "give --format"),
                          ((*org, "-f", "png", "-o", str(tmp_path / "h.svg")), "does not match"),
                          (("hearing", "isk", "--as-of", "2010-01-01", "-o", str(tmp_path / "p.png")), "PDF")]:
        result = run(*args)
        assert isinstance(result.exception, ChartError) and result.exception.exit_code == 2, (args, result.output)
        assert message in str(result.exception)
    assert not list(tmp_path.glob("g.jpg")) + list(tmp_path.glob("noext")) + list(tmp_path.glob("h.svg")) \
        + list(tmp_path.glob("p.png"))
    assert run(*org, "-o", str(tmp_path / "o.pdf")).exit_code == 0
    assert (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")
    assert run(*org, "-f", "png", "-o", str(tmp_path / "named")).exit_code == 0  # no extension: -f decides
    assert (tmp_path / "named").read_bytes().startswith(b"\x89PNG")
    result = run(*org, "-o", "-")
    assert result.exit_code == 0 and "<svg" in result.output


def test_errors_print_one_line_and_exit_2(run, tmp_path):
    import os
    import subprocess
    import sys
    db = next(tmp_path.glob("*.lbdb"))
    (tmp_path / "somedir").mkdir()
    done = subprocess.run([sys.executable, "-m", "orggraph", "--engine", "embedded", "--db", str(db),
                           "chart", "org", "isk", "-o", str(tmp_path / "somedir")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"error: cannot write {tmp_path / 'somedir'}: it is a folder"]
