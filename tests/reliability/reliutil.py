"""Helpers for the reliability tests: the CLI and `orggraph serve` as real processes, and a
Neo4j of our own that a test may stop and start (never the shared one in NEO4J_URI).

Test modules import from here (`from reliutil import ...`); there is no conftest.py in this
folder for the reason given in tests/api/apiutil.py.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from orggraph.api.server import free_port
from orggraph.config import Settings

from conftest import ROOT, require_neo4j, wait_ready

SEEDS = ROOT / "data" / "seeds"
NEO4J_SH = ROOT / "scripts" / "neo4j.sh"


def cli_env(kind: str, tmp_path: Path, settings: Settings | None = None, **extra: str) -> dict[str, str]:
    """The environment that points `orggraph` at one engine: a tmp database, or the suite's Neo4j."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGGRAPH_")}
    env["ORGGRAPH_ENGINE"] = kind
    if kind == "neo4j":
        settings = settings or require_neo4j()
        env.update(NEO4J_URI=settings.neo4j_uri, NEO4J_USER=settings.neo4j_user,
                   NEO4J_PASSWORD=settings.neo4j_password, NEO4J_DATABASE=settings.neo4j_database)
    else:
        env["ORGGRAPH_DB"] = str(tmp_path / "graph.lbdb")
    env.update(extra)
    return env


def settings_of(env: dict[str, str]) -> Settings:
    if env["ORGGRAPH_ENGINE"] == "neo4j":
        return Settings(engine="neo4j", neo4j_uri=env["NEO4J_URI"], neo4j_user=env["NEO4J_USER"],
                        neo4j_password=env["NEO4J_PASSWORD"], neo4j_database=env["NEO4J_DATABASE"])
    return Settings(engine="embedded", db_path=Path(env["ORGGRAPH_DB"]))


def orggraph(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orggraph", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def start_orggraph(env: dict[str, str], *args: str) -> subprocess.Popen:
    """`orggraph ARGS` in the background; stderr (progress lines) is piped, line by line."""
    return subprocess.Popen([sys.executable, "-m", "orggraph", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1)


def generate(folder: Path, scale: float, seed: int) -> Path:
    result = orggraph(dict(os.environ), "generate", str(folder), "--scale", str(scale), "--seed", str(seed))
    assert result.returncode == 0, result.stderr
    return folder


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[str]:
    """`orggraph serve` on a free loopback port; yields its base URL, stops it with SIGINT."""
    port = free_port()
    log = open(Path(env.get("ORGGRAPH_SERVE_LOG", os.devnull)), "w")
    proc = subprocess.Popen([sys.executable, "-m", "orggraph", "serve", "--port", str(port), *args],
                            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class OwnNeo4j:
    """A Neo4j for one test module, on its own port and home, so it may be stopped and started.

    Port and home come from ORGGRAPH_RELIABILITY_NEO4J_PORT / _HOME (default 7697 and a folder
    under the pytest tmp dir)."""

    def __init__(self, home: Path):
        self.port = int(os.environ.get("ORGGRAPH_RELIABILITY_NEO4J_PORT", "7697"))
        self.home = Path(os.environ.get("ORGGRAPH_RELIABILITY_NEO4J_HOME", str(home)))
        self.uri = f"bolt://127.0.0.1:{self.port}"

    def _script(self, *args: str) -> None:
        env = {**os.environ, "ORGGRAPH_NEO4J_PORT": str(self.port), "ORGGRAPH_NEO4J_HOME": str(self.home)}
        # the jars are shared with the suite's Neo4j: link them instead of copying them again
        shared = Path(os.environ.get("ORGGRAPH_NEO4J_HOME") or
                      Path.home() / ".cache" / "orggraph" / "neo4j-5.26") / "lib"
        if shared.is_dir() and not (self.home / "lib").exists():
            self.home.mkdir(parents=True, exist_ok=True)
            (self.home / "lib").symlink_to(shared)
        result = subprocess.run(["bash", str(NEO4J_SH), *args], env=env, capture_output=True,
                                text=True, timeout=300)
        if result.returncode != 0:
            message = f"neo4j.sh {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            if os.environ.get("CI") == "true" or args[0] != "start":
                pytest.fail(message)
            pytest.skip(message)  # no Java or Maven here; CI has them and must run this

    def start(self, fresh: bool = False) -> None:
        self._script("start", *(["--fresh"] if fresh else []))

    def stop(self) -> None:
        self._script("stop")

    def settings(self) -> Settings:
        return Settings(engine="neo4j", neo4j_uri=self.uri, neo4j_user="neo4j",
                        neo4j_password="orggraph-test", neo4j_database="neo4j")


def editor_token(secret: str, sub: str = "reliability-test") -> str:
    """An HS256 JWT with the editor role, audience orggraph, valid for an hour."""
    import jwt
    return jwt.encode({"aud": "orggraph", "exp": int(time.time()) + 3600, "roles": ["editor"], "sub": sub},
                      secret, algorithm="HS256")
