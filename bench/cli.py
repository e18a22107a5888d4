"""`orggraph bench`: both engines side by side at a scale; writes docs/BENCHMARKS.md.

Register in orggraph/cli.py with:  app.command("bench")(bench)
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer


def bench(
    scale: float = typer.Option(0.01, "--scale", help="1.0 is all of Norway: ~200 000 units, ~1 million rows."),
    engines: str = typer.Option("embedded,neo4j", "--engines", help="Comma-separated: embedded, neo4j."),
    runs: int = typer.Option(200, "--runs", help="Timed calls per query (the slow strategies get fewer)."),
    output: Optional[Path] = typer.Option(Path("docs/BENCHMARKS.md"), "--output",
                                          help="Markdown file whose generated section is replaced."),
    workdir: Optional[Path] = typer.Option(None, "--workdir", help="Where the data and databases go "
                                           "(default: a temporary folder); generated data is reused."),
    warmup: float = typer.Option(30.0, "--warmup", help="Seconds of questions asked on each engine before "
                                 "any is timed (a server's JIT and caches are warm; see docs/BENCHMARKS.md)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the raw numbers as JSON."),
) -> None:
    """Measure load, queries, GraphQL, charts and memory on each engine; write a Markdown report.

    Neo4j comes from NEO4J_URI (its data is wiped!) and its JVM's memory from the pid file under
    ORGGRAPH_NEO4J_HOME. No timing fails the command: the report says which targets are missed.
    """
    from rich.console import Console
    from rich.table import Table

    from orggraph.errors import UsageError

    from .report import markdown, rows, run_all, strategy_rows, verdicts, write_markdown
    chosen = [e.strip() for e in engines.split(",") if e.strip()]
    unknown = sorted(set(chosen) - {"embedded", "neo4j"})
    if unknown or not chosen:
        raise UsageError(f"--engines: unknown {', '.join(unknown) or '(none given)'}; use embedded,neo4j")
    if not 0 < scale <= 10:
        raise UsageError(f"--scale must be above 0 and at most 10, got {scale}")
    if warmup < 0:
        raise UsageError(f"--warmup must be 0 or more seconds, got {warmup}")
    if runs < 1:
        raise UsageError(f"--runs must be 1 or more, got {runs}")
    err = Console(stderr=True)
    out = Console(width=None if sys.stdout.isatty() else 200)
    with tempfile.TemporaryDirectory(prefix="orggraph-bench-") as temporary:
        folder = workdir or Path(temporary)
        report = run_all(scale, chosen, runs, folder, log=lambda s: err.print(s, highlight=False),
                         warmup=warmup)
    for name, result in report["engines"].items():
        if "error" in result:
            err.print(f"[red]{name} failed:[/red] {result['error'][-1500:]}", highlight=False)
    for title, body in (("orggraph bench", rows(report)), ("strategies", strategy_rows(report))):
        grid = Table(title=f"{title}: scale {scale:g}")
        grid.add_column("measure")
        for name in report["engines"]:
            grid.add_column(name)
        for label, cells in body:
            grid.add_row(label, *cells)
        out.print(grid)
    for line in verdicts(report):
        out.print(line.replace("**", ""), highlight=False)
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    if output:
        write_markdown(output, markdown(report))
        out.print(f"wrote {output}", highlight=False)
    bench.last_report = report  # type: ignore[attr-defined]  # for tests calling the function
