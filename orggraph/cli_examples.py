"""Examples shown at the end of each command's --help, from the seed dataset (data/seeds).

Kept apart from the commands so they read as one list; tests/test_cli.py checks that every
command has some and that each one names its own command.
"""
from __future__ import annotations

import inspect

import typer

EXAMPLES: dict[str, tuple[str, ...]] = {
    "validate": ("orggraph validate data/seeds",
                 "orggraph validate --against-db data/seeds/002_nye_sandefjord.yaml"),
    "load": ("orggraph load data/seeds",
             "orggraph --engine neo4j load data/seeds synthetic/"),
    "export": ("orggraph export backup/",
               "orggraph export --as-of 2016-12-31 before-the-merger/"),
    "stats": ("orggraph stats", "orggraph stats --json"),
    "rekey": ("orggraph --engine neo4j rekey",),
    "generate": ("orggraph generate synthetic/",
                 "orggraph generate --scale 0.25 --seed 7 synthetic/"),
    "query": ("orggraph query",
              "orggraph query chain_of_command -p id=isk-ikt -p as_of=2005-01-01",
              "orggraph query agreements_of -p id=salangen -p as_of=2007-06-01 --json"),
    "schema": ("orggraph schema", "orggraph schema --format graphql",
               "orggraph schema --format json-schema > orggraph.schema.json"),
    "serve": ("orggraph serve --load data/seeds",
              "orggraph --engine neo4j serve --host 0.0.0.0 --port 8080"),
    "bench": ("orggraph bench --engines embedded --scale 0.05",
              "orggraph bench --scale 1 --workdir /var/tmp/bench --json bench.json"),
    "hearing": ("orggraph hearing isk --as-of 2010-01-01 -o høring-isk.pdf",),
    "chart org": ("orggraph chart org isk --as-of 2010-01-01 --depth 2 -o isk.png",),
    "chart deps": ("orggraph chart deps salangen --as-of 2007-06-01 --steps 2 -o salangen.svg",),
    "chart forums": ("orggraph chart forums isk -o forums.pdf",),
    "chart diff": ("orggraph chart diff sandefjord --from 2016-12-31 --to 2017-01-01 -o merger.png",),
}


def epilog(lines: tuple[str, ...]) -> str:
    # rich help joins single newlines: a blank line between examples keeps one per line
    return "[bold]Examples[/bold]\n\n" + "\n\n".join(f"  {escape(line)}" for line in lines)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape
    return rich_escape(text)


def add_examples(app: typer.Typer, chart_app: typer.Typer) -> None:
    """Set each registered command's epilog from EXAMPLES, and its help from its reflowed docstring."""
    for group, prefix in ((app, ""), (chart_app, "chart ")):
        for info in group.registered_commands:
            name = prefix + (info.name or info.callback.__name__.replace("_", "-"))
            if name in EXAMPLES:
                info.epilog = epilog(EXAMPLES[name])
            info.help = reflow(info.help or inspect.getdoc(info.callback) or "")


def reflow(text: str) -> str:
    """One line per paragraph. Rich help keeps a docstring's line breaks, so lines wrapped
    for the source came out ragged once rich wrapped them again for the terminal."""
    return "\n\n".join(" ".join(part.split()) for part in inspect.cleandoc(text).split("\n\n"))
