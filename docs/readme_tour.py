"""Runs the README's tour commands for real (cog calls this; `tests/test_readme.py` checks it).

Each command runs against a fresh embedded database with the seed dataset loaded,
so the README always shows what the commands print today.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_DB = Path(tempfile.mkdtemp(prefix="orggraph-readme-")) / "graph.lbdb"
_LOADED = False
PROGRESS = re.compile(r"^\w+: \d+/\d+\n?$")


def run(command: str, load_seeds: bool = True) -> str:
    """Run `orggraph …` as a user would and return what it printed, as a console block."""
    global _LOADED
    env = {**os.environ, "ORGGRAPH_DB": str(_DB), "COLUMNS": "200"}
    env.pop("ORGGRAPH_ENGINE", None)
    if load_seeds and not _LOADED:
        subprocess.run([sys.executable, "-m", "orggraph", "load", "data/seeds"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        _LOADED = True
    args = shlex.split(command)
    assert args[0] == "orggraph"
    done = subprocess.run([sys.executable, "-m", "orggraph", *args[1:]], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    # On a pipe, long work prints `loading: n/total` lines where a terminal shows a bar that
    # vanishes when done: leave them out, as a user at a terminal would see.
    stderr = "".join(line for line in done.stderr.splitlines(keepends=True) if not PROGRESS.match(line))
    printed = (done.stdout + stderr).rstrip().replace(str(_DB), "~/.local/share/orggraph/graph.lbdb")
    return f"```console\n$ {command}\n{printed}\n```"


def graphql(path: str) -> str:
    """Run an example query file against the seed dataset in-process; show it and its answer."""
    import json

    import asyncio

    import httpx

    from orggraph.api import create_app
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    run("orggraph stats")  # makes sure the seeds are loaded
    text = (ROOT / path).read_text(encoding="utf-8")
    engine = open_engine(Settings(engine="embedded", db_path=_DB))
    try:
        async def ask() -> dict:
            transport = httpx.ASGITransport(app=create_app(engine))
            async with httpx.AsyncClient(transport=transport, base_url="http://readme") as client:
                return (await client.post("/graphql", json={"query": text})).json()
        answer = asyncio.run(ask())
    finally:
        engine.close()
    shown = json.dumps(answer, ensure_ascii=False, indent=1)
    return f"`{path}`:\n\n```graphql\n{text.rstrip()}\n```\n\n```json\n{shown}\n```"
