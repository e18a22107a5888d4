"""kill -9 in the middle of `orggraph load`: the previous graph stays as it was, and the next
load succeeds (the embedded lock file does not block it; LadybugDB recovers its WAL).

The load is killed once it has printed its first progress line (`loading: n/total`, printed
when stderr is not a terminal, after a batch has run inside the load's one write transaction
and the write has lasted a second): at that moment the transaction has already deleted the
datasets' relationships and written nodes, none of it committed.
"""
from __future__ import annotations

import re
import signal

import pytest

from orggraph.engine import open_engine

from conftest import ENGINES, snapshot, wipe
from reliutil import cli_env, generate, orggraph, settings_of, start_orggraph

PROGRESS = re.compile(r"^loading: (\d+)/(\d+)$")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """A small synthetic Norway and a bigger one with the same dataset names (so the second
    replaces the first) and different ids and facts."""
    root = tmp_path_factory.mktemp("generated")
    return generate(root / "small", 0.002, 11), generate(root / "big", 0.02, 12)


def graph_of(env):
    with open_engine(settings_of(env)) as engine:
        return snapshot(engine)


def kill_mid_load(env, folder) -> str:
    """Start a load, SIGKILL it after its first progress line; returns that line."""
    proc = start_orggraph(env, "load", str(folder))
    try:
        for line in proc.stderr:
            match = PROGRESS.match(line.strip())
            if match:
                assert int(match[1]) < int(match[2]), f"the load finished before it was killed: {line}"
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                return line.strip()
        raise AssertionError(f"the load printed no progress (exit {proc.wait(30)})")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.parametrize("kind", ENGINES)
def test_kill_9_during_load_keeps_the_previous_graph(kind, tmp_path, datasets):
    small, big = datasets
    # A progress line after every step of the write: the first one comes while the load's
    # single transaction is open, whatever the speed of the machine (COPY makes it short).
    env = cli_env(kind, tmp_path, ORGGRAPH_PROGRESS_SECONDS="0")
    if kind == "neo4j":
        with open_engine(settings_of(env)) as engine:
            wipe(engine)
    first = orggraph(env, "load", str(small))
    assert first.returncode == 0, first.stderr
    before = graph_of(env)
    assert len(before[0]) > 500 and len(before[1]) > 500  # a real graph to lose

    killed_at = kill_mid_load(env, big)
    print("killed at", killed_at)

    assert graph_of(env) == before  # nothing of the killed load is visible

    # the next load runs a whole write transaction (the lock is free, the database opens and
    # writes): reloading the small version gives the same graph again
    again = orggraph(env, "load", str(small))
    assert again.returncode == 0, again.stderr
    assert "loaded" in again.stdout
    assert graph_of(env) == before
