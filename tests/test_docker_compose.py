"""docker-compose.yml: the services it must have, and no password written into it.

Docker is not needed: the file is read with PyYAML. The secret check is a plain
function so the negative tests below can show that it does report literal
passwords.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"

# Names whose values are secrets: they must come from the environment.
SECRET_KEY = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|NEO4J_AUTH", re.IGNORECASE)
# ${VAR}, ${VAR:?message} and ${VAR?message} take the value from the environment.
# ${VAR:-default} / ${VAR-default} are refused: the default would be a written password.
ALLOWED_INTERPOLATION = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}")
ANY_INTERPOLATION = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
# A password given on a command line: -p VALUE, --password VALUE, --password=VALUE
PASSWORD_ARGUMENT = re.compile(r"(?:^|\s)(?:-p|--password)(?:\s+|=)(\"[^\"]*\"|'[^']*'|\S+)")


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Yield (path, key, value) for every mapping entry and list item, recursively."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            yield sub, key, value
            yield from _walk(value, sub)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            sub = f"{path}[{index}]"
            yield sub, None, value
            yield from _walk(value, sub)


def _secret_value_problem(key: str, value: Any) -> str | None:
    """Why this value of a secret-named key is written into the file, or None if it is not."""
    if value is None:
        # `- NEO4J_PASSWORD` / `NEO4J_PASSWORD:` with no value: passed through from the host
        return None
    if not isinstance(value, str):
        return f"literal value {value!r}"
    if key.upper() == "NEO4J_AUTH" and value.strip().lower() == "none":
        return None  # auth disabled: no password at all
    text = value.replace("$$", "")  # $$ is an escaped, literal dollar
    if not ANY_INTERPOLATION.search(text):
        return "literal value, not a ${VAR} interpolation"
    for found in ANY_INTERPOLATION.findall(text):
        if not ALLOWED_INTERPOLATION.fullmatch(found):
            return f"interpolation {found!r} is not plain ${{VAR}} or ${{VAR:?msg}} (a default would be a written password)"
    rest = ALLOWED_INTERPOLATION.sub("", text)
    if key.upper() == "NEO4J_AUTH":
        # "user/${PASSWORD}": only the user name may be written
        if re.fullmatch(r"[^/]*/", rest):
            return None
        return f"written text {rest!r} around the interpolation"
    if rest.strip():
        return f"written text {rest!r} around the interpolation"
    return None


def _argument_problem(argument: str) -> str | None:
    value = argument.strip("\"'")
    value = value.replace("$${", "${")  # the container's shell expands $${...}
    if value.startswith("$"):
        return None
    return f"password argument {argument!r} is written out"


def find_hardcoded_secrets(compose: dict) -> list[str]:
    """Every place in a compose mapping where a password is written instead of interpolated."""
    problems: list[str] = []
    for path, key, value in _walk(compose):
        if isinstance(key, str) and SECRET_KEY.search(key) and not isinstance(value, (dict, list)):
            problem = _secret_value_problem(key, value)
            if problem:
                problems.append(f"{path}: {problem}")
        if isinstance(value, str):
            # list-style environment entries and build args: "KEY=VALUE"
            match = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_.-]*)=(.*)", value, re.DOTALL)
            if match and SECRET_KEY.search(match.group(1)):
                problem = _secret_value_problem(match.group(1), match.group(2))
                if problem:
                    problems.append(f"{path}: {match.group(1)}: {problem}")
            for argument in PASSWORD_ARGUMENT.findall(value):
                problem = _argument_problem(argument)
                if problem:
                    problems.append(f"{path}: {problem}")
    return problems


def _published_ports(service: dict) -> set[int]:
    published: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            published.add(int(entry["published"]))
        else:
            # "HOST:CONTAINER", "IP:HOST:CONTAINER", optionally "/tcp"
            parts = str(entry).split("/")[0].split(":")
            published.add(int(parts[-2] if len(parts) > 1 else parts[-1]))
    return published


def _environment(service: dict) -> dict[str, Any]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return dict(env)


@pytest.fixture(scope="module")
def compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"missing {COMPOSE_FILE}"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_services_exist(compose):
    assert {"neo4j", "api"} <= set(compose.get("services", {}))


def test_neo4j_is_5_26(compose):
    image = compose["services"]["neo4j"]["image"]
    assert re.fullmatch(r"neo4j:5\.26(\.\d+)?(-community)?", image), image


def test_ports_published(compose):
    services = compose["services"]
    assert {7474, 7687} <= _published_ports(services["neo4j"])
    assert 8000 in _published_ports(services["api"])


def test_neo4j_data_on_named_volume(compose):
    volumes = compose["services"]["neo4j"].get("volumes", [])
    sources = []
    for entry in volumes:
        if isinstance(entry, dict):
            if entry.get("target") == "/data":
                sources.append(entry.get("source"))
        elif str(entry).split(":")[1:2] == ["/data"]:
            sources.append(str(entry).split(":")[0])
    assert sources, "no volume mounted on /data in the neo4j service"
    declared = compose.get("volumes") or {}
    assert sources[0] in declared, f"{sources[0]!r} is not a named volume under top-level volumes"


def test_api_depends_on_healthy_neo4j(compose):
    api = compose["services"]["api"]
    depends = api.get("depends_on")
    if isinstance(depends, list):
        assert "neo4j" in depends
    else:
        assert "neo4j" in depends
        assert depends["neo4j"].get("condition") == "service_healthy"
    assert "healthcheck" in compose["services"]["neo4j"]


def test_api_points_at_neo4j(compose):
    api = compose["services"]["api"]
    assert api.get("build") in (".", {"context": "."}) or api["build"].get("context") == "."
    env = _environment(api)
    assert env["ORGGRAPH_ENGINE"] == "neo4j"
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["NEO4J_DATABASE"] == "neo4j"
    assert "8000" in str(api.get("command", ""))


def test_no_hardcoded_password(compose):
    assert find_hardcoded_secrets(compose) == []
    # and the secrets that must be there are interpolated, not left out
    assert "${NEO4J_PASSWORD" in _environment(compose["services"]["neo4j"])["NEO4J_AUTH"]
    assert "${NEO4J_PASSWORD" in _environment(compose["services"]["api"])["NEO4J_PASSWORD"]


@pytest.mark.parametrize(
    "compose_dict",
    [
        {"services": {"neo4j": {"environment": {"NEO4J_AUTH": "neo4j/letmein"}}}},
        {"services": {"neo4j": {"environment": ["NEO4J_AUTH=neo4j/letmein"]}}},
        {"services": {"api": {"environment": {"NEO4J_PASSWORD": "letmein"}}}},
        {"services": {"api": {"environment": ["NEO4J_PASSWORD=letmein"]}}},
        {"services": {"api": {"environment": {"NEO4J_PASSWORD": "${NEO4J_PASSWORD:-letmein}"}}}},
        {"services": {"api": {"environment": {"NEO4J_PASSWORD": "pre-${NEO4J_PASSWORD}"}}}},
        {"services": {"api": {"environment": {"NEO4J_PASSWORD": "$${NEO4J_PASSWORD}"}}}},
        {"services": {"api": {"environment": {"DB_PASSWORD": 12345}}}},
        {"services": {"api": {"build": {"context": ".", "args": {"ADMIN_TOKEN": "abc"}}}}},
        {"services": {"neo4j": {"healthcheck": {"test": ["CMD-SHELL", "cypher-shell -u neo4j -p letmein 'RETURN 1'"]}}}},
        {"services": {"neo4j": {"command": "neo4j-admin dbms set-initial-password --password=letmein"}}},
    ],
    ids=[
        "auth-dict", "auth-list", "password-dict", "password-list", "default-fallback",
        "prefix", "escaped-dollar", "number", "build-arg", "healthcheck-arg", "command-arg",
    ],
)
def test_literal_passwords_are_reported(compose_dict):
    assert find_hardcoded_secrets(compose_dict), f"not reported: {compose_dict}"


@pytest.mark.parametrize(
    "compose_dict",
    [
        {"services": {"neo4j": {"environment": {"NEO4J_AUTH": "neo4j/${NEO4J_PASSWORD}"}}}},
        {"services": {"neo4j": {"environment": ["NEO4J_AUTH=neo4j/${NEO4J_PASSWORD:?set it}"]}}},
        {"services": {"neo4j": {"environment": {"NEO4J_AUTH": "none"}}}},
        {"services": {"api": {"environment": ["NEO4J_PASSWORD"]}}},
        {"services": {"neo4j": {"healthcheck": {"test": ["CMD-SHELL", 'cypher-shell -p "$${NEO4J_AUTH#*/}"']}}}},
    ],
    ids=["auth", "auth-list-required", "auth-none", "pass-through", "healthcheck-shell-var"],
)
def test_interpolated_passwords_pass(compose_dict):
    assert find_hardcoded_secrets(compose_dict) == []


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert "graphviz" in text and "fonts-dejavu" in text
    # the package, at the versions tested together (constraints.txt, copied in with the source)
    assert "pip install -c constraints.txt ." in text and "COPY . ." in text
    assert "PASSWORD" not in text.upper(), "the image must not carry a password"
