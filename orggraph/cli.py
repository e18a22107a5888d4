"""The `orggraph` command line.

Exit codes: 0 ok, 1 error, 2 invalid input (validation, unknown query or parameter),
3 embedded database busy, 4 database unreachable.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .config import Settings
from .dates import iso_date
from .errors import DatabaseUnavailable, OrggraphError, QueryError, UsageError

app = typer.Typer(
    name="orggraph", no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    help="How Norwegian municipalities are organised and work together, as a property graph.\n\n"
         "The engine is the embedded LadybugDB unless --engine neo4j or ORGGRAPH_ENGINE=neo4j "
         "(then NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE).")
# Piped output is not cut at 80 columns: tables keep their full cells for files and scripts.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


class State:
    engine: Optional[str] = None
    db: Optional[Path] = None


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version
        out.print(f"orggraph {version('orggraph')}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    _: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                           help="Print the version and exit."),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", metavar="embedded|neo4j",
                                         help="Storage engine (env ORGGRAPH_ENGINE; default embedded)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Embedded database file (env ORGGRAPH_DB; "
                                      "default ~/.local/share/orggraph/graph.lbdb)."),
) -> None:
    State.engine, State.db = engine, db


def settings() -> Settings:
    return Settings.from_env(State.engine, State.db)


@contextmanager
def opened(create: bool = False) -> Iterator:
    """The configured engine. An embedded database that does not exist is made only when `create`
    (a load): a command that reads, given a mistyped --db, says so instead of answering from a new
    empty database it leaves behind."""
    from .engine import open_engine
    chosen = settings()
    if chosen.engine == "embedded" and not create and not chosen.db_path.exists():
        raise UsageError(f"no database at {chosen.db_path}: load data into it first (orggraph load …), "
                         "or give the right --db / ORGGRAPH_DB")
    engine = open_engine(chosen)
    try:
        yield engine
    finally:
        engine.close()


def _progress_seconds() -> float:
    raw = os.environ.get("ORGGRAPH_PROGRESS_SECONDS", "").strip()
    try:
        return float(raw) if raw else 1.0
    except ValueError:
        raise UsageError(f"ORGGRAPH_PROGRESS_SECONDS must be a number of seconds, not {raw!r}") from None


@contextmanager
def progress(what: str) -> Iterator[Callable[..., Callable[[int], None]]]:
    """Yields start(total, step=what) -> advance(n), one bar or count per step of the work. A bar on
    a terminal; on a pipe or log file, plain lines (`loading: 2000/36000`) once a second from the
    first second on (work done sooner prints nothing), so logs and supervising processes see that
    long work is under way. ORGGRAPH_PROGRESS_SECONDS sets that interval (0: a line after every
    step of work)."""
    if err.is_terminal:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            def start_bar(total: int, step: str = what) -> Callable[[int], None]:
                task = bar.add_task(step, total=total)
                return lambda n: bar.advance(task, n)
            yield start_bar
        return

    every = _progress_seconds()

    def start_lines(total: int, step: str = what) -> Callable[[int], None]:
        done, last, printed = 0, time.monotonic(), False

        def advance(n: int) -> None:
            nonlocal done, last, printed
            done += n
            if time.monotonic() - last >= every or (printed and done >= total):
                last, printed = time.monotonic(), True
                print(f"{step}: {done}/{total}", file=sys.stderr, flush=True)
        return advance
    yield start_lines


def _reading(start: Callable[..., Callable[[int], None]]) -> Callable[[int], Callable[[int], None]]:
    """The reading step's progress: kilobytes of input read (then validation, which is quicker)."""
    return lambda total: start(total, "reading files (kB)")


def _ids(ids: list[str], shown: int = 10) -> str:
    """The first few ids, for a line a user reads before a wipe happens."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


@app.command()
def validate(
    paths: List[Path] = typer.Argument(..., help="YAML/CSV files or folders of them."),
    against_db: bool = typer.Option(False, "--against-db",
                                    help="Also check against the database, as a load would: ids and "
                                         "relationships other datasets hold, and what a load would remove."),
) -> None:
    """Check input files and list every problem with file:line and field. Writes nothing."""
    from .loader.load import check
    with progress("validating") as start:
        if against_db:
            with opened() as engine:
                checked = check(paths, engine, _reading(start))
        else:
            checked = check(paths, None, _reading(start))
    parsed = checked.parsed
    gone = checked.leaving
    out.print(f"[green]ok[/green]: {len(parsed.nodes)} nodes and {len(parsed.rels)} relationships "
              f"in {len(checked.datasets)} dataset(s), no problems"
              + (f"; a load would remove {len(gone)} nodes no longer listed: {escape(_ids(gone))}" if gone else ""),
              soft_wrap=True)


@app.command()
def load(paths: List[Path] = typer.Argument(..., help="YAML/CSV files or folders of them.")) -> None:
    """Validate and load files in one transaction: all of it or nothing.

    Loading a file again replaces what it said before (idempotent); ids are merged across files.
    An id or relationship another dataset holds is refused (load both to move it); nodes a dataset
    no longer lists are removed, and named.
    Only what changed is written: nodes and relationships already there as given are left alone.
    """
    from .loader.load import load as load_paths
    with opened(create=True) as engine, progress("loading") as start:
        report = load_paths(engine, paths, start, _reading(start))
        where = engine.describe()
    out.print(f"loaded {report.nodes} nodes and {report.relationships} relationships from "
              f"{', '.join(report.datasets)} into {where}"
              + (f"; removed {report.removed_nodes} nodes no longer listed" if report.removed_nodes else "")
              + (f": {_ids(report.removed)}" if report.removed else "")
              + (f"; already there as given, so not written: {report.unchanged_nodes} nodes and "
                 f"{report.unchanged_relationships} relationships"
                 if report.unchanged_nodes or report.unchanged_relationships else ""),
              soft_wrap=True, highlight=False)


@app.command()
def export(
    folder: Path = typer.Argument(..., help="Folder to write one YAML file per dataset into."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Only what held on this date (YYYY-MM-DD)."),
) -> None:
    """Write the whole graph (or what held on one date) as loader files: a backup that loads back."""
    from .loader.export import export as write_files
    day = None
    if as_of:
        try:
            day = iso_date(as_of)
        except ValueError:
            raise UsageError(f"--as-of must be a date YYYY-MM-DD, got {as_of!r}") from None
    with opened() as engine:
        written = write_files(engine, folder, day)
    out.print(f"wrote {len(written)} file(s), {sum(written.values())} entries, to {folder}",
              soft_wrap=True, highlight=False)


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Count nodes and relationships per type."""
    from .schema import NODES, RELS
    with opened() as engine:
        counts = {n.label: engine.read(f"MATCH (n:{n.label}) RETURN count(n) AS c")[0]["c"] for n in NODES}
        counts.update({r.name: engine.read(f"MATCH ()-[r:{r.name}]->() RETURN count(r) AS c")[0]["c"]
                       for r in RELS})
        where = engine.describe()
    if as_json:
        out.print_json(data=counts)
        return
    out.print(where, soft_wrap=True, highlight=False)
    table = Table()
    table.add_column("type")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    out.print(table)


@app.command()
def rekey() -> None:
    """Check the search and list keys Neo4j keeps on every node against its name, and write those
    that differ again: after nodes were renamed by another client than orggraph. Nodes written
    without keys, or keyed by another orggraph version, are keyed at every start anyway."""
    with opened() as engine:
        with progress("checking keys") as start:
            checked, rewritten = engine.rekey(start)
        where = engine.describe()
    if not engine.stores_keys:
        out.print(f"{where} keeps no keys on its nodes (lists and search use the line index): "
                  "nothing to check", soft_wrap=True, highlight=False)
        return
    out.print(f"checked the keys of {checked} nodes, wrote {rewritten} again, in {where}",
              soft_wrap=True, highlight=False)


@app.command()
def generate(
    folder: Path = typer.Argument(..., help="Folder to write the CSV files into."),
    scale: float = typer.Option(0.01, "--scale", help="1.0 is all of Norway: ~200 000 units."),
    seed: int = typer.Option(2017, "--seed", help="Same seed and scale, same files."),
) -> None:
    """Write a deterministic synthetic Norway (357 municipalities: history, mergers, cooperation) as loader CSV files."""
    from .generate import MUNICIPALITIES, generate as make
    from .loader.folder import output_folder
    if scale <= 0 or scale > 10:
        raise UsageError(f"--scale must be above 0 and at most 10, got {scale}")
    output_folder(folder, lambda path: path.name.endswith(".synthetic.csv"))  # a second run overwrites
    with progress("generating") as start:
        counts = make(folder, scale, seed, start(MUNICIPALITIES))
    out.print(f"wrote {', '.join(f'{n} {k}' for k, n in counts.items())} to {folder}; "
              f"load with `orggraph load {folder}`", soft_wrap=True, highlight=False)


def _parse_params(pairs: List[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: write it as key=value")
        params[key.strip()] = value
    return params


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


ID_PARAMS = ("id", "from_id", "to_id", "organisation", "agreement")  # named queries' single-id parameters


def _known(engine, ids: dict[str, str]) -> None:
    """Raise UsageError for the first of `ids` (parameter → id) the graph never held, on any date."""
    from .queries import unknown_id
    unknown = unknown_id(engine.query("nodes_by_id", ids=list(ids.values())), ids) if ids else None
    if unknown:
        raise UsageError(f"--param {unknown[0]}: no node has id {unknown[1]!r}")


@app.command()
def query(
    name: Optional[str] = typer.Argument(None, help="The named query; leave out to list them."),
    param: List[str] = typer.Option([], "--param", "-p", help="key=value, repeatable; lists are "
                                    "comma-separated, dates YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Run a named query (queries/*.cypher) with parameters, or list the queries."""
    from .queries import all_queries, get_query
    if name is None:
        table = Table(title="named queries")
        for column in ("name", "parameters", "answers"):
            table.add_column(column)
        for q in all_queries().values():
            params = ", ".join(p.name + ("" if p.default is None else f"={p.default}") for p in q.params)
            table.add_row(q.name, params, Text(q.doc))
        out.print(table)
        return
    named = get_query(name)
    params = _parse_params(param)
    named.bind(params)  # fail on bad parameters before opening the database
    with opened() as engine:
        rows = named.execute(engine, params)
        if not rows:  # empty because of a mistyped id? say so, as the API does (NOT_FOUND)
            _known(engine, {key: params[key] for key in ID_PARAMS if key in params})
    if as_json:
        print(json.dumps(rows, default=_jsonable, ensure_ascii=False, indent=2))
        return
    if not rows:
        err.print("no rows")
        return
    table = Table(title=f"{name} ({len(rows)} rows)")
    columns = list(rows[0])  # rows from a traversal may hold their keys in another order
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))
    out.print(table)


@app.command()
def schema(
    fmt: str = typer.Option("summary", "--format", "-f",
                            metavar="summary|graphql|json-schema|neo4j|ladybug",
                            help="summary: types and fields; graphql: the API's SDL; json-schema: "
                                 "for the YAML input; neo4j / ladybug: the DDL each engine runs."),
) -> None:
    """Print the schema, or what is generated from it."""
    from .schema import NODES, RELS, ddl
    if fmt == "graphql":
        from .api import sdl
        print(sdl())
    elif fmt == "json-schema":
        from .loader.jsonschema import build
        print(json.dumps(build(), indent=2, ensure_ascii=False))
    elif fmt in ("neo4j", "ladybug"):
        statements = ddl.neo4j_statements() if fmt == "neo4j" else ddl.ladybug_statements()
        print(";\n".join(statements) + ";")
    elif fmt == "summary":
        for node in NODES:
            fields = ", ".join(p.name + ("*" if p.required else "") for p in node.all_props)
            out.print(f"[bold]{node.label}[/bold] ({node.section}): {fields}")
        for rel in RELS:
            out.print(f"[bold]{rel.name}[/bold] {'|'.join(rel.sources)} → {'|'.join(rel.targets)}"
                      f" (key {rel.key}{', reverse ' + rel.reverse_key if rel.reverse_key else ''})")
    else:
        raise UsageError(f"unknown --format {fmt!r}: use summary, graphql, json-schema, neo4j or ladybug")


from .viz.cli import chart_app, hearing as hearing_command  # noqa: E402  (needs `app` above)

from .bench.cli import bench as bench_command  # noqa: E402

app.add_typer(chart_app, name="chart")
app.command("hearing")(hearing_command)
app.command("bench")(bench_command)


def _fail(message: str) -> None:
    # Messages quote user input such as [field]: print them literally, unwrapped, for grep.
    err.print("[red]error:[/red] " + escape(message), highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: expected failures become one clear line and an exit code, not a traceback."""
    try:
        app()
    except OrggraphError as exc:
        _fail(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; nothing was committed")
        sys.exit(130)
    except Exception as exc:  # driver-level connection loss mid-command
        from neo4j.exceptions import ServiceUnavailable
        if isinstance(exc, ServiceUnavailable):
            _fail(str(DatabaseUnavailable(f"lost the connection to Neo4j: {exc}")))
            sys.exit(DatabaseUnavailable.exit_code)
        raise


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    load_paths: List[Path] = typer.Option([], "--load", metavar="PATH",
                                          help="Load these files or folders first (repeatable)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser) on the configured engine."""
    from .api import serve as run
    run(settings(), host=host, port=port, load_paths=load_paths)


from .cli_examples import add_examples  # noqa: E402  (every command is registered by now)

add_examples(app, chart_app)
