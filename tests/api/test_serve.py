"""`orggraph serve` in its own process: loads files, builds the line index behind itself, serves,
answers, releases the database on stop."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from orggraph.api.server import free_port

from apiutil import VALID
from conftest import wait_ready


def test_serve_loads_then_answers_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {**os.environ, "ORGGRAPH_ENGINE": "embedded", "ORGGRAPH_DB": str(tmp_path / "g.lbdb")}
    proc = subprocess.Popen([sys.executable, "-m", "orggraph", "serve", "--port", str(port),
                             "--load", str(VALID)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc, 60)
        # the line index is built behind the server, not by a question, and readiness says when
        for _ in range(300):
            ready = httpx.get(base + "/readyz", timeout=10).json()
            if ready["lineIndex"] == "current":
                break
            assert ready["lineIndex"] == "building", ready
            time.sleep(0.1)
        assert ready["lineIndex"] == "current", ready
        body = httpx.post(base + "/graphql", json={"query": '{ chainOfCommand(id: "natt", asOf: "2022-01-01") { id } }'},
                          timeout=30).json()
        assert [c["id"] for c in body["data"]["chainOfCommand"]] == ["hjemmetjeneste", "helse", "fjordvik"]
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
        print(output)  # shown by pytest when anything above failed
    assert proc.returncode == 0, output
    assert "loaded" in output and "line index built behind the server" in output
    # the embedded database is free again: another process can open it
    check = subprocess.run([sys.executable, "-m", "orggraph", "stats", "--json"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
