"""Loader fuzzing and the hostile corpus in files, on both engines.

Generated YAML and CSV documents (valid-ish structures with random values, wrong types, missing
fields, unknown references and sections, garbage bytes) are written to real files and loaded:
each either loads, or is refused with problems that each name file:line (and the field, when
the problem is about one), and then the graph is exactly as before. `orggraph load` itself exits
2 without a traceback. How many documents ran and how they ended is printed (run with -s).
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from orggraph.config import Settings
from orggraph.engine import open_engine
from orggraph.loader.load import load
from orggraph.loader.problems import ValidationFailed
from orggraph.loader.read import read_all
from orggraph.schema import DATE, FLOAT, INT, NODES, RELS, STRING, max_length, rels_from, rels_into

from conftest import DATA, require_neo4j, snapshot, wipe
from hostile import INERT, REFUSED, inert, refused, text_fields

# Ids in the test data, new ones and one nobody defines: references sometimes resolve.
IDS = ["natt", "helse", "fjordvik", "aase", "kommunalsjef-helse", "ledergruppe", "ikt-avtale",
       "f-1", "f-2", "f-3", "nosuch"]
# Problems about a whole file rather than a field.
FILE_LEVEL = ("YAML syntax", "YAML:", "not valid UTF-8", "the file must be a mapping", "CSV:",
              "more cells than the header", "a CSV file is named after its section")

ANY = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
                   | st.dates(), lambda inner: st.lists(inner, max_size=3)
                   | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)


def value_for(kind: str, choices: tuple[str, ...], clean: bool, pattern: str | None = None) -> st.SearchStrategy:
    text = PRINTABLE if clean else st.text(max_size=20)
    if pattern:  # text of a given form (a kommunenummer): mostly of that form
        text = st.from_regex(pattern, fullmatch=True) if clean else st.from_regex(pattern, fullmatch=True) | text
    typed = {STRING: st.sampled_from(choices) if choices else text,
             INT: st.integers(-5, 500), FLOAT: st.floats(-1, 1e6), DATE: st.dates(dt.date(1990, 1, 1),
                                                                                    dt.date(2040, 1, 1))}
    return typed[kind] if clean else st.one_of(typed[kind], typed[kind], typed[kind], ANY)


@st.composite
def entry(draw, node, clean: bool = False) -> dict:
    """One entry; a clean one has every required field, values of the right type, printable text
    and no links."""
    fields = {"id": draw(st.sampled_from(IDS) | st.text(max_size=8))}
    for prop in node.all_props:
        if prop.name not in ("id", "dataset") and ((clean and prop.required) or draw(st.booleans())):
            fields[prop.name] = draw(value_for(prop.type, prop.choices, clean, prop.pattern))
    if clean:
        if fields.get("valid_to") and fields.get("valid_from") and fields["valid_to"] < fields["valid_from"]:
            fields["valid_to"], fields["valid_from"] = fields["valid_from"], fields["valid_to"]
        return fields
    links = [r.key for r in rels_from(node.label)] + [r.reverse_key for r in rels_into(node.label)]
    for key in draw(st.lists(st.sampled_from(links), max_size=2, unique=True)) if links else []:
        fields[key] = draw(st.sampled_from(IDS) | st.lists(st.sampled_from(IDS), max_size=3) | ANY)
    if draw(st.integers(0, 9)) == 0:
        fields[draw(st.text(min_size=1, max_size=8))] = draw(ANY)  # a field nobody knows
    return fields


@st.composite
def relationship(draw) -> dict:
    out = {"type": draw(st.sampled_from([r.name for r in RELS]) | st.text(max_size=8)),
           "from": draw(st.sampled_from(IDS)), "to": draw(st.sampled_from(IDS))}
    if draw(st.booleans()):
        out["valid_from"] = draw(st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)))
    if draw(st.booleans()):
        out[draw(st.sampled_from(["role", "kind", "note", "seats", "capacity"]))] = draw(ANY)
    return out


@st.composite
def document(draw) -> dict:
    clean = draw(st.booleans())
    doc: dict = {}
    if clean or draw(st.booleans()):
        doc["source"] = draw(PRINTABLE if clean else st.text(max_size=20) | ANY)
    for node in draw(st.lists(st.sampled_from(NODES), max_size=3, unique_by=lambda n: n.label)):
        doc[node.section] = draw(st.lists(entry(node, clean), max_size=3))
    if clean:  # fresh, distinct ids
        for number, item in enumerate(i for section in doc.values() if isinstance(section, list) for i in section):
            item["id"] = f"f-{number}"
        return doc
    if draw(st.booleans()):
        doc["relationships"] = draw(st.lists(relationship(), max_size=3))
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.text(min_size=1, max_size=10))] = draw(ANY)  # a section nobody knows
    return doc


def garble(draw, data: bytes) -> bytes:
    """Sometimes splice random bytes in, or cut the file short."""
    how = draw(st.sampled_from(["keep", "keep", "keep", "keep", "keep", "splice", "cut"]))
    if how == "keep" or not data:
        return data
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:] if how == "splice" else data[:at]


@st.composite
def yaml_file(draw) -> tuple[str, bytes]:
    text = yaml.safe_dump(draw(document()), allow_unicode=True, sort_keys=False)
    return "fuzz.yaml", garble(draw, text.encode("utf-8"))


@st.composite
def csv_file(draw) -> tuple[str, bytes]:
    node, clean = draw(st.sampled_from(NODES)), draw(st.booleans())
    rows = draw(st.lists(entry(node, clean), min_size=1, max_size=4))
    if clean:
        for number, row in enumerate(rows):
            row.update(id=f"f-{number}", source=row.get("source") or "s")
    header = sorted({key for row in rows for key in row}, key=str)
    if not clean and draw(st.booleans()):
        header.append("extra")  # a column no type has
    lines = [header] + [[("" if row.get(k) is None else str(row.get(k))) for k in header] for row in rows]
    if not clean and draw(st.integers(0, 4)) == 0:
        lines[-1] = lines[-1] + ["one cell too many"]
    data = _csv_text(lines).encode("utf-8")
    return f"{node.section}.csv", data if clean else garble(draw, data)


def _csv_text(lines: list[list]) -> str:
    import io
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue()


def check_refusal(failure: ValidationFailed, path: Path) -> None:
    """Every problem names the file and a line; those about an entry name their field."""
    assert failure.problems
    for problem in failure.problems:
        assert problem.where.file == str(path) and problem.where.line >= 1, problem
        assert problem.message.strip(), problem
        assert problem.field or problem.message.startswith(FILE_LEVEL), problem
        assert str(problem).startswith(f"{path}:{problem.where.line}"), problem
    assert str(failure).startswith(f"{len(failure.problems)} problem")


def run_fuzz(graph, tmp_path: Path, files, name: str) -> None:
    load(graph, [DATA / "valid"])
    seen, folder = Counter(), tmp_path / "fuzz"
    folder.mkdir()

    @given(files)
    def load_one(named: tuple[str, bytes]) -> None:
        file_name, data = named
        for old in folder.iterdir():
            old.unlink()
        path = folder / file_name
        path.write_bytes(data)
        before = snapshot(graph)
        try:
            report = load(graph, [path])
        except ValidationFailed as failure:
            check_refusal(failure, path)
            assert snapshot(graph) == before  # nothing written
            seen["refused"] += 1
            return
        parsed, _ = read_all([path])
        ids = {n.id for n in parsed.nodes}
        stored = {row["id"] for row in graph.read("MATCH (n) WHERE n.dataset = $d RETURN n.id AS id",
                                                  {"d": report.datasets[0]})}
        assert stored == ids
        seen["loaded"] += 1

    load_one()
    print(f"\nfuzz {name} on {graph.dialect}: {sum(seen.values())} documents, "
          + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    assert seen["refused"] > 0 and seen["loaded"] > 0


def test_generated_yaml_files(engine, tmp_path):
    run_fuzz(engine, tmp_path, yaml_file(), "YAML files")


def test_generated_csv_files(engine, tmp_path):
    run_fuzz(engine, tmp_path, csv_file(), "CSV files")


# --- the hostile corpus in files -----------------------------------------------------------

MINIMAL = {"organisations": {"name": "X", "kind": "other"}, "units": {"name": "X", "kind": "unit"},
           "posts": {"title": "X"}, "persons": {"name": "X"}, "meeting_places": {"name": "X", "kind": "network"},
           "sites": {"name": "X"}, "agreements": {"name": "X", "kind": "ko", "status": "proposed"},
           "services": {"name": "X"}, "systems": {"name": "X"}, "decisions": {"title": "X"},
           "changes": {"kind": "renaming", "date": dt.date(2024, 1, 1), "name": "X"}}


def free_text(node) -> list[str]:
    """Text fields that take any text (not the id, not a choice, not text of a set form)."""
    return [f for f in text_fields(node) if f != "id" and not node.prop(f).choices and not node.prop(f).pattern]


def hostile_yaml(values) -> tuple[dict, list[tuple[str, str, str]]]:
    """One entry per node type and free-text field, that field holding values(field)."""
    doc, placed = {"source": "hostile corpus"}, []
    for node in NODES:
        entries = []
        for field in free_text(node):
            value = values(field)
            node_id = f"h-{node.label.lower()}-{field}"
            entries.append({**MINIMAL[node.section], "id": node_id, field: value})
            placed.append((node_id, node.label, field))
        doc[node.section] = entries
    return doc, placed


@pytest.mark.parametrize("name", sorted(INERT) + ["at-limit"])
def test_inert_values_load_verbatim(engine, tmp_path, name):
    load(engine, [DATA / "valid"])
    before = snapshot(engine)
    doc, placed = hostile_yaml(lambda field: inert(field)[name])
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load(engine, [path])
    for node_id, label, field in placed:
        (row,) = engine.read(f"MATCH (n:{label}) WHERE n.id = $id RETURN n.{field} AS v", {"id": node_id})
        assert row["v"] == inert(field)[name], (node_id, field)
    nodes, rels = snapshot(engine)
    assert [n for n in nodes if not dict(n[1])["id"].startswith("h-")] == before[0] and rels == before[1]


@pytest.mark.parametrize("name", sorted(set(REFUSED) - {"half-megabyte"}) + ["over-limit"])  # 1 MB: below
def test_refused_values_name_file_line_and_field(engine, tmp_path, name):
    load(engine, [DATA / "valid"])
    before = snapshot(engine)
    doc, placed = hostile_yaml(lambda field: refused(field)[name][0])
    path = tmp_path / "hostile.yaml"
    # escaped (\x07, \N ...): written raw, YAML reads some controls (NEL) as line breaks
    text = yaml.safe_dump(doc, allow_unicode=False, sort_keys=False, width=10**9)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load(engine, [path])
    check_refusal(caught.value, path)
    lines = text.splitlines()
    found = {(p.where.line, p.field) for p in caught.value.problems}
    assert len(caught.value.problems) == len(placed)  # one problem per field, nothing else
    for problem in caught.value.problems:
        assert lines[problem.where.line - 1].lstrip(" -").startswith(f"{problem.field}:"), problem
        assert refused(problem.field)[name][1] in problem.message, problem
    assert {field for _, _, field in placed} == {field for _, field in found}
    assert snapshot(engine) == before


def test_bytes_and_escapes_that_are_not_text(engine, tmp_path):
    load(engine, [DATA / "valid"])
    before = snapshot(engine)
    cases = [("units.yaml", b"units:\n  - id: u1\n    name: \"ok\"\n  - id: u2\n    name: \"bad \xff\"\n",
              ":5: not valid UTF-8: byte 0xff at column 16"),
             ("units.csv", b"id,name,kind,source\nu1,A,unit,s\nu2,B\xc3,unit,s\n", ":3: not valid UTF-8: byte 0xc3"),
             ("units.yaml", b'units:\n  - id: u1\n    name: "half \\ud800 pair"\n    kind: unit\n    source: s\n',
              ":3: YAML syntax: the escape for U+D800 is half a surrogate pair"),
             ("units.yaml", b"units:\n  - id: u1\n    name: \"nul \\0 byte\"\n    kind: unit\n    source: s\n",
              ":3 [name]: contains the control character U+0000 at character 5"),
             ("units.yaml", b"dataset: \"x\\x07\"\nunits: []\n", ":1 [dataset]: contains the control character U+0007"),
             ("units.yaml", b"units:\n" + b"  - [" * 2000 + b"\n", ":"),
             ("units.yaml", b"units:\n  - id: u1\n    kind: unit\n    name: " + b"x" * 1_000_000 + b"\n",
              ":4 [name]: is 1000000 characters long; name is limited to 1000 characters"),
             ("units.yaml", b"source: s\nunits:\n  - id: u1\n    name: a\x00b\n", ":4: YAML: the character U+0000 cannot"),
             ("units.csv", b"\xef\xbb\xbfid,name,kind,source\nu1,A,unit,s\n", None)]  # a BOM is fine
    for file_name, data, message in cases:
        folder = tmp_path / f"case{cases.index((file_name, data, message))}"
        folder.mkdir()
        path = folder / file_name
        path.write_bytes(data)
        if message is None:
            load(engine, [path])
            assert engine.read("MATCH (n:Unit) WHERE n.id = 'u1' RETURN n.name AS name") == [{"name": "A"}]
            continue
        with pytest.raises(ValidationFailed) as caught:
            load(engine, [path])
        check_refusal(caught.value, path)
        assert f"{path}{message}" in str(caught.value), str(caught.value)
        assert snapshot(engine) == before


# --- the command line -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["embedded", "neo4j"])
def test_orggraph_load_refuses_without_a_traceback(kind, tmp_path):
    env = {**os.environ, "ORGGRAPH_ENGINE": kind}
    if kind == "neo4j":
        settings = require_neo4j()
        env.update(NEO4J_URI=settings.neo4j_uri)
    else:
        settings = Settings(engine="embedded", db_path=tmp_path / "g.lbdb")
        env["ORGGRAPH_DB"] = str(settings.db_path)
    engine = open_engine(settings)
    wipe(engine)
    load(engine, [DATA / "valid"])
    before = snapshot(engine)
    engine.close()  # the embedded database takes one process at a time
    doc, _ = hostile_yaml(lambda field: INERT["cypher-quote"])
    bad = {"source": "s", "units": [{"id": "u1", "name": "bell\x07", "kind": "unit"},
                                    {"id": "u2", "name": "x" * (max_length("name") + 1), "kind": "unit"},
                                    {"id": "u3", "name": "ok", "kind": "unit", "part_of": "nosuch"}]}
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bad.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    (tmp_path / "good.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    def orggraph(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "orggraph", *args], capture_output=True, text=True,
                              env=env, timeout=300, cwd=tmp_path)

    refused_run = orggraph("load", "bad")
    assert refused_run.returncode == 2 and "Traceback" not in refused_run.stderr, refused_run.stderr
    for pattern in (r"bad/bad\.yaml:\d+ \[name\]: contains the control character U\+0007",
                    r"bad/bad\.yaml:\d+ \[name\]: is 1001 characters long; name is limited to 1000",
                    r"bad/bad\.yaml:\d+ \[part_of\]: unknown id 'nosuch'", r"3 problems found; nothing was written"):
        assert re.search(pattern, refused_run.stderr), (pattern, refused_run.stderr)
    loaded = orggraph("load", "good.yaml")
    assert loaded.returncode == 0, loaded.stderr
    engine = open_engine(settings, ensure_schema=False)
    try:
        nodes, rels = snapshot(engine)
        assert rels == before[1]
        hostile = [dict(p) for _, p in nodes if dict(p)["id"].startswith("h-")]
        assert len(hostile) == sum(len(free_text(n)) for n in NODES)
        assert all(INERT["cypher-quote"] in p.values() for p in hostile)
    finally:
        engine.close()
