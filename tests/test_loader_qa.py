"""Input the QA pass found mishandled: explicit nulls, empty sections, odd CSV headers, YAML
errors and hints, and the format of a kommunenummer."""
from __future__ import annotations

import pytest

from orggraph.loader.load import check, load

from conftest import snapshot
from loaderutil import problems_of, where, write


# --- an explicit null is a missing value -------------------------------------------------------

NULLS = """dataset: n
source: qa
organisations:
  - {id: o1, name: O1, kind: municipality}
  - {id: o2, name: O2, kind: municipality}
posts:
  - {id: p1, title: P1, reports_to: [{id: p2, kind: null}]}
  - {id: p2, title: P2}
agreements:
  - id: a1
    name: A1
    kind: other
    status: proposed
    parties:
      - {id: o1, role: null}
relationships:
  - {type: PARTY_TO, from: o2, to: a1, role: ~, valid_from: 2020-01-01}
"""


def test_a_required_relationship_property_given_as_null_is_missing(tmp_path):
    problems = problems_of(write(tmp_path / "n.yaml", NULLS))
    assert [(p.where.line, p.field, p.message) for p in problems] == [
        (7, "reports_to.kind", "REPORTS_TO needs 'kind'"),
        (15, "parties.role", "PARTY_TO needs 'role'"),
        (17, "relationships[0].role", "PARTY_TO needs 'role'")]


def test_a_null_source_takes_the_files(engine, tmp_path):
    """`source: null` is no source given: the entry's (for an inline relationship) or the file's
    applies, and the export of what was written loads back."""
    from orggraph.loader.export import export
    path = write(tmp_path / "s.yaml", """dataset: s
source: the file's
organisations:
  - {id: o1, name: O1, kind: municipality, source: null}
  - {id: o2, name: O2, kind: municipality, source: its own}
agreements:
  - {id: a1, name: A1, kind: other, status: proposed, parties: [{id: o1, role: host, source: ~}]}
relationships:
  - {type: PARTY_TO, from: o2, to: a1, role: participant, source: null}
""")
    load(engine, [path])
    sources = {r["id"]: r["s"] for r in engine.read("MATCH (n:Organisation) RETURN n.id AS id, n.source AS s")}
    assert sources == {"o1": "the file's", "o2": "its own"}
    parties = engine.read("MATCH (o)-[r:PARTY_TO]->() RETURN o.id AS id, r.source AS s ORDER BY id")
    assert parties == [{"id": "o1", "s": "the file's"}, {"id": "o2", "s": "the file's"}]
    before = snapshot(engine)
    export(engine, tmp_path / "out")
    load(engine, [tmp_path / "out"])
    assert snapshot(engine) == before


def test_a_null_source_without_a_file_source_is_missing(tmp_path):
    path = write(tmp_path / "s.yaml", "dataset: s\norganisations:\n"
                 "  - {id: o1, name: O1, kind: municipality, source: null, members: [{id: o2, source: ~}]}\n"
                 "  - {id: o2, name: O2, kind: municipality, source: s}\n")
    problems = problems_of(path)
    assert [(p.where.line, p.field) for p in problems] == [(3, "members.source"), (3, "source")]
    assert "top-level `source:`" in problems[1].message


# --- a CSV column without a name --------------------------------------------------------------

def test_a_column_without_a_name_is_reported_once_at_the_header(tmp_path):
    path = write(tmp_path / "sites.csv", "id,name,source,\ns1,Site 1,qa,x\ns2,Site 2,qa,y\ns3,Site 3,qa,\n")
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (1, "")
    assert problem.message.startswith("column 4 has no name in the header, but the row on line 2 has a value")


def test_an_empty_column_without_a_name_is_left_alone(tmp_path):
    """Excel saves a trailing comma on every line; with nothing in that column, nothing is wrong."""
    path = write(tmp_path / "sites.csv", "id,name,source,,\ns1,Site 1,qa,,\ns2,Site 2,qa,,\n")
    assert sorted(n.id for n in check([path]).parsed.nodes) == ["s1", "s2"]


# --- the "quote it" hint quotes what was written ------------------------------------------------

def test_the_quote_hint_gives_the_value_as_written(tmp_path):
    """YAML 1.1 reads 0301 as the octal number 193 and yes as true: the fix is to quote what the
    file says, not the number or boolean YAML made of it."""
    path = write(tmp_path / "q.yaml", """dataset: q
source: s
organisations:
  - {id: oslo, name: Oslo, kind: municipality, kommunenummer: 0301}
  - {id: ja, name: yes, kind: municipality, members: [{id: oslo, role: 1.50}]}
relationships:
  - {type: MEMBER_OF, from: ja, to: oslo, role: off, valid_from: 2020-01-01}
""")
    messages = {(p.where.line, p.field): p.message for p in problems_of(path)}
    assert messages == {
        (4, "kommunenummer"): 'must be text, but YAML reads 0301 as int 193; quote it: "0301"',
        (5, "name"): 'must be text, but YAML reads yes as bool True; quote it: "yes"',
        (5, "members.role"): 'must be text, but YAML reads 1.50 as float 1.5; quote it: "1.50"',
        (7, "relationships[0].role"): 'must be text, but YAML reads off as bool False; quote it: "off"'}


# --- a kommunenummer has four digits ------------------------------------------------------------

@pytest.mark.parametrize("number", ["abc", "301", "03011", " 0301", "0301\\n", "٠٣٠١"])
def test_a_kommunenummer_is_four_digits(tmp_path, number):
    path = write(tmp_path / "k.yaml", "dataset: k\nsource: s\norganisations:\n"
                 f'  - {{id: oslo, name: Oslo, kind: municipality, kommunenummer: "{number}"}}\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (4, "kommunenummer")
    assert problem.message.startswith("must match ^[0-9]{4}$ (4-digit municipality number")


def test_a_kommunenummer_of_four_digits_passes_in_yaml_and_csv(tmp_path):
    write(tmp_path / "k.yaml", "dataset: k\nsource: s\norganisations:\n"
          '  - {id: oslo, name: Oslo, kind: municipality, kommunenummer: "0301"}\n')
    write(tmp_path / "organisations.csv", "id,name,kind,kommunenummer,source\nbergen,Bergen,municipality,4601,s\n")
    numbers = {n.id: n.props["kommunenummer"] for n in check([tmp_path]).parsed.nodes}
    assert numbers == {"oslo": "0301", "bergen": "4601"}
