"""Command line for the charts: `orggraph chart org|deps|forums|diff …` and `orggraph hearing …`.

Registered in orggraph/cli.py with

    app.add_typer(chart_app, name="chart")
    app.command("hearing")(hearing)
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .common import FORMATS, ChartError

chart_app = typer.Typer(name="chart", no_args_is_help=True, add_completion=False,
                        help="Draw charts with Graphviz: org chart, dependency map, meeting places, diff.")

AS_OF = typer.Option(None, "--as-of", metavar="YYYY-MM-DD",
                     help="The date to draw (default today, or the last valid day of something that has ended).")
FORMAT = typer.Option(None, "--format", "-f", metavar="svg|png|pdf|dot",
                      help="Output format (default: the -o file's extension; svg for '-o -' or no -o).")
OUTPUT = typer.Option(None, "--output", "-o", metavar="FILE",
                      help="Where to write (default ID-KIND.FORMAT here; '-' for standard output).")


def _format(fmt: Optional[str], output: Optional[Path], allowed: tuple[str, ...] = FORMATS) -> str:
    """The format: -f, else the file's extension; a file whose extension says another format, or
    none we know, is an error rather than, say, SVG written into g.jpg."""
    given = fmt.lower() if fmt else None
    if given is not None and given not in allowed:
        raise ChartError(f"unknown --format {given!r}: use {', '.join(allowed)}")
    if output is None or str(output) == "-":
        return given or allowed[0]
    ext = output.suffix.lower().lstrip(".")
    if given is not None and ext and ext != given:
        raise ChartError(f"--format {given} does not match the file name {output} (.{ext}): "
                         f"name it .{given} or drop --format")
    if given is None and ext not in allowed:
        names = " or ".join(filter(None, [", ".join("." + f for f in allowed[:-1]), "." + allowed[-1]]))
        if len(allowed) == 1:
            raise ChartError(f"cannot write {output}: the hearing pack is a PDF; name the file {names} "
                             "(or -o - for standard output)")
        if ext:
            raise ChartError(f"cannot write {output}: .{ext} is not a format charts are drawn in; use {names}")
        raise ChartError(f"cannot tell the format of {output}: give --format or end the name in {names}")
    return given or ext


def _check(output: Optional[Path]) -> None:
    """Fail before drawing if the file cannot be written: a folder in its place, or a file where
    a folder on its path should be."""
    if output is None or str(output) == "-":
        return
    if output.is_dir():
        raise ChartError(f"cannot write {output}: it is a folder")
    for folder in output.parents:
        if folder.exists():
            if not folder.is_dir():
                raise ChartError(f"cannot write {output}: {folder} is a file, not a folder")
            break


def _write(data: bytes, output: Optional[Path], default: str) -> None:
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = output or Path(default)
    _check(path)
    path = path.resolve() if path.is_symlink() else path  # write where a link points, not over it
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)  # whole or not at all: no half-written file under the name
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise ChartError(f"cannot write {path}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {path} ({len(data):,} bytes)", err=True)


def _draw(kind: str, node_id: str, as_of: Optional[str], fmt: Optional[str], output: Optional[Path],
          **opts) -> None:
    from orggraph.cli import opened

    from .render import render
    _check(output)
    chosen = _format(fmt, output)
    with opened() as engine:
        data = render(kind, engine, node_id, as_of, chosen, **opts)
    _write(data, output, f"{node_id}-{kind}.{chosen}")


@chart_app.command("org")
def org(
    node_id: str = typer.Argument(..., metavar="ID", help="Municipality, joint body or unit."),
    as_of: Optional[str] = AS_OF,
    depth: int = typer.Option(2, "--depth", "-d", min=0, help="Levels below the top to draw; deeper ones fold "
                              "into '+N flere' boxes."),
    max_children: int = typer.Option(15, "--max-children", min=2, help="Siblings beyond this many fold into one box."),
    fmt: Optional[str] = FORMAT,
    output: Optional[Path] = OUTPUT,
) -> None:
    """Org chart: units, head posts and holders (Vakant / ikke oppgitt / fungerende), FTE, line and dotted
    reporting."""
    _draw("org", node_id, as_of, fmt, output, depth=depth, max_children=max_children)


@chart_app.command("deps")
def deps(
    node_id: str = typer.Argument(..., metavar="ID", help="Municipality or agreement (or service, system)."),
    as_of: Optional[str] = AS_OF,
    steps: int = typer.Option(2, "--steps", "-s", min=1, help="How many steps out from ID."),
    max_group: int = typer.Option(8, "--max-group", min=1,
                                  help="Agreements of one kind and status beyond this many collapse to a count."),
    fmt: Optional[str] = FORMAT,
    output: Optional[Path] = OUTPUT,
) -> None:
    """Dependency map: agreements, hosts, parties, services and what depends on what."""
    _draw("deps", node_id, as_of, fmt, output, steps=steps, max_group=max_group)


@chart_app.command("forums")
def forums(
    node_id: str = typer.Argument(..., metavar="ID", help="Organisation or unit."),
    as_of: Optional[str] = AS_OF,
    depth: int = typer.Option(1, "--depth", "-d", min=0, help="Also the forums of units this many levels down."),
    fmt: Optional[str] = FORMAT,
    output: Optional[Path] = OUTPUT,
) -> None:
    """Meeting places: forums, members and roles, frequency, mandate and authority."""
    _draw("forums", node_id, as_of, fmt, output, depth=depth)


@chart_app.command("diff")
def diff(
    node_id: str = typer.Argument(..., metavar="ID", help="Organisation or unit (e.g. the new municipality)."),
    date_from: str = typer.Option(..., "--from", metavar="YYYY-MM-DD", help="The earlier date."),
    date_to: str = typer.Option(..., "--to", metavar="YYYY-MM-DD", help="The later date."),
    fmt: Optional[str] = FORMAT,
    output: Optional[Path] = OUTPUT,
) -> None:
    """What changed between two dates: added, ended, moved and changed leaders, drawn and listed."""
    from orggraph.cli import opened

    from .common import render_graph
    from .diff import diff_chart
    _check(output)
    chosen = _format(fmt, output)
    with opened() as engine:
        chart = diff_chart(engine, node_id, date_from, date_to)
        data = render_graph(chart.graph(), chosen)
    import html
    import re
    for line in chart.summary:
        typer.echo(html.unescape(re.sub(r"<[^>]+>", "", line)), err=True)
    _write(data, output, f"{node_id}-diff.{chosen}")


def hearing(
    node_id: str = typer.Argument(..., metavar="ID", help="The unit or organisation the input is about."),
    as_of: Optional[str] = AS_OF,
    depth: int = typer.Option(2, "--depth", "-d", min=0, help="Levels below the top in the text and the chart."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.pdf",
                                          help="Where to write (default ID-hearing.pdf; '-' for standard output)."),
) -> None:
    """Hearing pack after the template in seed 004: at most two A4 pages (leader levels, responsibilities,
    meeting places with frequency, mandate and authority) plus the org chart, as one PDF."""
    from orggraph.cli import opened

    from .render import render
    _check(output)
    _format(None, output, ("pdf",))
    with opened() as engine:
        data = render("hearing", engine, node_id, as_of, "pdf", depth=depth)
    _write(data, output, f"{node_id}-hearing.pdf")
