"""Input at the edges: cells LadybugDB's bulk path must not mangle, CSV that breaks quietly, values no
engine can store, empty files, and CSV headers made by hand or by Excel."""
from __future__ import annotations

import datetime as dt
import filecmp

import pytest
import yaml

from orggraph.generate import generate
from orggraph.loader.export import export
from orggraph.loader.items import convert
from orggraph.loader.load import check, load
from orggraph.loader.problems import ValidationFailed
from orggraph.schema import NODE_BY_LABEL

from conftest import make_engine, snapshot
from loaderutil import problems_of, where, write

MANY = 2100  # more rows than LadybugDB looks at to guess a CSV's dialect
TRICKY = ['Vedtak om "Nye Nordøy"', "Vedtak: A, B og C", "to\nlinjer", "cr\r\nlf", " mellomrom ",
          "æøå ÆØÅ", '"', "a,b", "null", "\\N", "bak\\strek"]


# --- 1. the bulk path reads back exactly what it wrote ------------------------------------------

def test_late_quoted_cells_come_back_exactly(engine, tmp_path):
    doc = {"dataset": "late", "source": "s",
           "decisions": [{"id": f"d{i}", "title": f"Vedtak {i}", "date": "2016-06-11"} for i in range(MANY)]
           + [{"id": f"dx{i}", "title": text, "date": "2016-06-11"} for i, text in enumerate(TRICKY)],
           "meeting_places": [{"id": "mp", "name": "Rådet", "kind": "council"}],
           "persons": [{"id": f"p{i}", "name": f"P {i}", "member_of": [{"id": "mp", "role": "medlem"}]}
                       for i in range(MANY)]
           + [{"id": f"px{i}", "name": "P", "member_of": [{"id": "mp", "role": text}]}
              for i, text in enumerate(TRICKY)]}
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    load(engine, [path])
    titles = dict(engine.tuples("MATCH (d:Decision) WHERE d.id STARTS WITH 'dx'", ["d.id", "d.title"]))
    assert titles == {f"dx{i}": text for i, text in enumerate(TRICKY)}
    roles = dict(engine.tuples("MATCH (p:Person)-[r:MEMBER_OF]->() WHERE p.id STARTS WITH 'px'",
                               ["p.id", "r.role"]))
    assert roles == {f"px{i}": text for i, text in enumerate(TRICKY)}
    [row] = engine.read("MATCH (d:Decision {id: 'd7'}) RETURN d.date AS d, d.date_note AS note")
    assert row == {"d": dt.date(2016, 6, 11), "note": None}  # an empty cell is still null


def test_generate_load_export_load_gives_the_same_export(tmp_path):
    generate(tmp_path / "generated", scale=0.002)
    first, second = make_engine("embedded", tmp_path / "a"), make_engine("embedded", tmp_path / "b")
    try:
        load(first, [tmp_path / "generated"])
        export(first, tmp_path / "x1")
        load(second, [tmp_path / "x1"])
        export(second, tmp_path / "x2")
        assert snapshot(second) == snapshot(first)
    finally:
        first.close()
        second.close()
    names = sorted(p.name for p in (tmp_path / "x1").iterdir())
    assert names and filecmp.cmpfiles(tmp_path / "x1", tmp_path / "x2", names, shallow=False)[0] == names


# --- 2. a quote that is never closed ----------------------------------------------------------------

def test_an_unclosed_quote_in_the_last_column_is_reported_where_it_starts(tmp_path):
    path = write(tmp_path / "units.extra.csv", 'id,name,kind,fte,source\ncsv-u0,Z,unit,1,s\n'
                 'csv-u1,A,unit,3.5,"kilde A\ncsv-u2,B,unit,,kilde B\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (3, "source")
    assert "never closed" in problem.message


def test_an_unclosed_quote_in_a_middle_column_is_reported_where_it_starts(tmp_path):
    path = write(tmp_path / "units.extra.csv", 'id,name,kind,fte,source\n\ncsv-u1,"A,unit,3.5,kilde A\n'
                 'csv-u2,B,unit,,kilde B\ncsv-u3,C,unit,,kilde C\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (3, "name") and "never closed" in problem.message


def test_text_after_a_closing_quote_is_reported_at_its_cell(tmp_path):
    path = write(tmp_path / "units.extra.csv", 'id,name,kind,source\nu1,"A"B,unit,s\nu2,B,unit,s\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (2, "name") and "text after the quote" in problem.message
    # a quote left open meets the next cell's opening quote: told where it opened and where it ended
    path.write_text('id,name,kind,source\nu1,"A,unit,s\nu2,"B",unit,s\n', encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (2, "name") and "on line 3" in problem.message


def test_a_row_over_several_lines_is_located_where_it_starts(tmp_path):
    path = write(tmp_path / "units.extra.csv", 'id,name,source\nu1,"to\nlinjer\nher",s\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (2, "kind")


# --- 3. values no engine can store --------------------------------------------------------------

YAML_CASES = [("fte: .nan", "fte", "finite"), ("fte: .inf", "fte", "finite"), ("fte: -.inf", "fte", "finite"),
              ("fte: 1.0e+309", "fte", "finite"), ("fte: " + "9" * 400, "fte", "too large"),
              ("fte: -1.5", "fte", "at least 0"), ("fte: 1000000.5", "fte", "at most 1 000 000, got 1000000.5"),
              ("fte: 1.0e+300", "fte", "at most 1 000 000, got 1e+300"), ("name: ''", "name", "empty"), ('name: "   "', "name", "empty"),
              ("source: ''", "source", "empty"),
              # ISO's basic and week forms, which Python's fromisoformat would take
              ('valid_from: "20171231"', "valid_from", "YYYY-MM-DD"), ('valid_to: "2017W011"', "valid_to", "YYYY-MM-DD")]


@pytest.mark.parametrize("line, field, message", YAML_CASES, ids=[c[0][:16] for c in YAML_CASES])
def test_yaml_values_that_cannot_be_stored(tmp_path, line, field, message):
    given = "" if field == "name" else "    name: U\n"
    path = write(tmp_path / "units.yaml", f"source: s\nunits:\n  - id: u1\n    kind: unit\n{given}    {line}\n")
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (5 if field == "name" else 6, field), problem
    assert message in problem.message, problem


@pytest.mark.parametrize("seats", ["100000000000000000000000", "-9223372036854775809"])
def test_whole_numbers_beyond_64_bits_are_refused(tmp_path, seats):
    path = write(tmp_path / "m.yaml",
                 f"source: s\nmeeting_places:\n  - {{id: m, name: M, kind: council, seats: {seats}}}\n")
    assert where(problems_of(path)) == [(3, "seats")]
    csv_path = write(tmp_path / "meeting_places.csv", f"id,name,kind,seats,source\nm2,M,council,{seats},s\n")
    [problem] = problems_of(csv_path)
    assert (problem.where.line, problem.field) == (2, "seats") and "9223372036854775807" in problem.message


def test_a_whole_number_python_will_not_read_is_a_problem_not_a_traceback(tmp_path):
    path = write(tmp_path / "m.yaml", f"source: s\nmeeting_places:\n  - {{id: m, name: M, kind: council, "
                 f"seats: {'9' * 5000}}}\n")
    [problem] = problems_of(path)
    assert problem.where.line == 3 and "whole number" in problem.message


def test_an_id_with_a_final_newline_is_not_a_second_id(tmp_path):
    path = write(tmp_path / "units.yaml", 'source: s\nunits:\n  - {id: "u1\\n", name: U, kind: unit}\n')
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (3, "id") and "not a valid id" in problem.message


def test_csv_values_that_cannot_be_stored(tmp_path):
    path = write(tmp_path / "units.csv", "id,name,kind,fte,source\nu1,A,unit,nan,s\nu2,B,unit,inf,s\n"
                 "u3,C,unit,-1,s\nu4,   ,unit,1,s\nu5,E,unit,1e999,s\nu6,F,unit,0,s\n")
    assert where(problems_of(path)) == [(2, "fte"), (3, "fte"), (4, "fte"), (5, "name"), (6, "fte")]


def test_a_blank_file_source_or_dataset_is_refused(tmp_path):
    path = write(tmp_path / "u.yaml", "dataset: ' '\nsource: ''\nunits:\n  - {id: u1, kind: unit, name: U}\n")
    assert where(problems_of(path)) == [(1, "dataset"), (2, "source")]


def test_the_shared_check_refuses_what_the_schema_bounds():
    """The API's writes convert values with the same function."""
    fte = NODE_BY_LABEL["Unit"].prop("fte")
    assert convert(fte, -0.5)[1] and convert(fte, float("nan"))[1] and convert(fte, 0.0) == (0.0, None)
    assert convert(NODE_BY_LABEL["Unit"].prop("name"), " \t")[1]
    assert convert(NODE_BY_LABEL["Unit"].prop("description"), " \t") == (None, None)  # blank: absent
    assert convert(NODE_BY_LABEL["MeetingPlace"].prop("seats"), 2**63)[1]
    # counts and amounts are never negative, on nodes and on relationships alike
    from orggraph.schema import REL_BY_NAME
    for prop in (NODE_BY_LABEL["MeetingPlace"].prop("seats"), NODE_BY_LABEL["MeetingPlace"].prop("meetings_per_year"),
                 NODE_BY_LABEL["Agreement"].prop("funding_tkr"), REL_BY_NAME["MEMBER_OF"]._prop_by_name["seats"],
                 REL_BY_NAME["FUNDS"]._prop_by_name["amount_tkr"]):
        assert convert(prop, -1)[1] and convert(prop, 0) == (0, None), prop.name


# --- 4. an empty file is not an empty dataset ------------------------------------------------------

@pytest.mark.parametrize("name, text", [("d.yaml", ""), ("d.yaml", "\n  \n# nothing yet\n"), ("units.d.csv", ""),
                                        ("units.d.csv", "\n\n"), ("d.yaml", "source: s\ndescription: x\n"),
                                        ("d.yaml", "source: s\nunits:\n  # none yet\n"),
                                        ("d.yaml", "source: s\nunits: []\nmeeting_places:\n")])
def test_an_empty_file_is_a_problem_not_a_wipe(engine, tmp_path, name, text):
    (tmp_path / "one").mkdir()
    full = write(tmp_path / "one" / name, "dataset: d\nsource: s\nunits:\n  - {id: u1, kind: unit, name: U}\n"
                 if name.endswith(".yaml") else "id,name,kind,source\nu1,U,unit,s\n")
    load(engine, [full])
    before = snapshot(engine)
    empty = write(tmp_path / name, text)
    with pytest.raises(ValidationFailed) as caught:
        load(engine, [empty])
    [problem] = caught.value.problems
    assert problem.where.line == 1 and ("the file is empty" in problem.message
                                        or "the file has no sections" in problem.message
                                        or "every section of the file is empty" in problem.message)
    assert "dataset: d" in problem.message or name.endswith(".csv")  # how to empty it on purpose
    assert snapshot(engine) == before


@pytest.mark.parametrize("name, text", [("d.yaml", "dataset: d\n"), ("units.d.csv", "id,name,kind,source\n"),
                                        ("d.yaml", "dataset: d\nsource: s\nunits:\n  # none now\n")])
def test_a_dataset_is_emptied_on_purpose(engine, tmp_path, name, text):
    (tmp_path / "one").mkdir()
    full = write(tmp_path / "one" / name, "dataset: d\nsource: s\nunits:\n  - {id: u1, kind: unit, name: U}\n"
                 if name.endswith(".yaml") else "id,name,kind,source\nu1,U,unit,s\n")
    load(engine, [full])
    report = load(engine, [write(tmp_path / name, text)])
    assert report.removed_nodes == 1 and snapshot(engine) == ([], [])


# --- 5. CSV headers ---------------------------------------------------------------------------------

def test_a_repeated_column_is_a_problem_of_the_header(tmp_path):
    path = write(tmp_path / "units.csv", "id,name,kind,source,name\nu1,A,unit,s,B\n")
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (1, "name") and "twice" in problem.message


def test_an_unknown_column_is_reported_once_at_the_header(tmp_path):
    path = write(tmp_path / "units.csv", "id,name,kind,source,nmae\nu1,A,unit,s,x\nu2,B,unit,s,y\nu3,C,unit,s,z\n")
    [problem] = problems_of(path)
    assert (problem.where.line, problem.field) == (1, "nmae") and "did you mean 'name'" in problem.message


def test_an_unknown_column_in_a_relationships_file(tmp_path):
    path = write(tmp_path / "relationships.csv", "type,from,to,rolle\nMEMBER_OF,a,b,x\nMEMBER_OF,c,d,y\n")
    assert [(p.where.line, p.field) for p in problems_of(path) if p.field == "rolle"] == [(1, "rolle")]


def test_a_semicolon_separated_file_gets_a_hint(tmp_path):
    path = write(tmp_path / "units.csv", "id;name;kind;source\nu1;A;unit;s\nu2;B;unit;s\n")
    [problem] = problems_of(path)
    assert problem.where.line == 1 and "separate cells with commas" in problem.message
    assert "semicolons" in problem.message


def test_a_file_without_a_header_is_told_to_have_one(tmp_path):
    path = write(tmp_path / "units.extra.csv", "csv-u1,A,unit,isk,3.5,kilde A\ncsv-u2,B,unit,isk,,kilde B\n")
    [problem] = problems_of(path)
    assert problem.where.line == 1 and "first line must be a header" in problem.message


def test_a_folder_is_read_as_a_user_names_its_files(tmp_path):
    """Upper-case suffixes are loader files too, hidden files (an editor's, an interrupted export's)
    are not, and a file given again inside a folder given is read once."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ENHETER.YAML").write_text(
        "dataset: enheter\nsource: s\norganisations: [{id: nordoy, name: Nordøy, kind: municipality}]\n",
        encoding="utf-8")
    (folder / "units.EXTRA.CSV").write_text("id,name,kind,part_of,source\nu1,Skole,unit,nordoy,s\n",
                                            encoding="utf-8")
    (folder / ".ENHETER.YAML.swp.yaml").write_text("not: [valid\n", encoding="utf-8")
    checked = check([folder, folder / "ENHETER.YAML"])
    assert sorted(n.id for n in checked.parsed.nodes) == ["nordoy", "u1"]
    assert sorted(checked.datasets) == ["enheter", "units.EXTRA"]

