"""A plain wheel carries every subpackage under `orggraph`, the .cypher files included."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, timeout=300)
    [built] = out.glob("orggraph-*.whl")
    return built


def test_wheel_contains_the_namespace(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("orggraph/cli.py", "orggraph/engine/neo4j.py", "orggraph/schema/model.py",
                     "orggraph/loader/load.py", "orggraph/queries/__init__.py",
                     "orggraph/queries/chain_of_command.cypher",
                     "orggraph/queries/ladybug/chain_of_command.cypher", "orggraph/api/__init__.py",
                     "orggraph/viz/__init__.py"):
        assert expected in names, expected
    assert not any(n.startswith(("tests/", "schema/", "queries/")) for n in names)


def test_wheel_installs_and_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True, timeout=300)
    probe = ("import orggraph.queries as q, orggraph.loader.load;"
             "assert '/venv/' in q.__file__, q.__file__;"
             "print(sorted(q.all_queries()))")
    result = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "chain_of_command" in result.stdout and "within" in result.stdout
