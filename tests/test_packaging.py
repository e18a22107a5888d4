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


def _requirements():
    import tomllib
    from packaging.requirements import Requirement
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in wanted]


def _pins():
    from packaging.utils import canonicalize_name
    pins = {}
    for number, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt:{number}: not name==version: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_requirement_within_its_range():
    from packaging.utils import canonicalize_name
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt pins no version of {requirement.name} (pyproject.toml)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pins[name]}, outside pyproject.toml's {requirement}")


def test_the_tests_run_with_the_pinned_versions():
    """What CI tests is what constraints.txt says was tested (scripts/setup.sh installs with -c)."""
    from importlib.metadata import PackageNotFoundError, version
    from packaging.utils import canonicalize_name
    pins = _pins()
    for requirement in _requirements():
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            pytest.fail(f"{requirement.name} is not installed: run scripts/setup.sh --test")
        assert installed == pins[canonicalize_name(requirement.name)], (
            f"{requirement.name} {installed} is installed, constraints.txt pins "
            f"{pins[canonicalize_name(requirement.name)]}: reinstall with scripts/setup.sh --test")
