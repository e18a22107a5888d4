"""Validation reports every problem at once, each with file:line and field; nothing is written."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from orggraph.loader.load import check
from orggraph.loader.problems import ValidationFailed

from conftest import DATA

INVALID = DATA / "invalid"


def problems_of(*paths: Path) -> list:
    with pytest.raises(ValidationFailed) as caught:
        check(list(paths))
    return caught.value.problems


def test_broken_file_lists_every_problem_at_its_line():
    path = INVALID / "broken.yaml"
    expected = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.search(r"# expect: (.+)$", line)
        if match and number > 1:
            expected[number] = match.group(1).strip()
    problems = problems_of(path)
    found: dict[int, list[str]] = {}
    for problem in problems:
        assert problem.where.file.endswith("broken.yaml")
        found.setdefault(problem.where.line, []).append(f"[{problem.field}] {problem.message}")
    for line, text in expected.items():
        assert any(text in message for message in found.get(line, [])), \
            f"line {line}: expected a problem containing {text!r}, got {found.get(line)}"
    assert set(found) == set(expected), f"problems on unexpected lines: {set(found) - set(expected)}"
    assert all(p.field for p in problems), "every problem names its field"


def test_yaml_syntax_error_names_the_line():
    [problem] = problems_of(INVALID / "syntax.yaml")
    assert problem.where.line == 4 and "YAML syntax" in problem.message


def test_csv_rows_are_checked_with_their_line():
    problems = problems_of(INVALID / "units.broken.csv")
    assert [(p.where.line, p.field) for p in problems] == [(3, "name"), (4, "fte")]


def test_csv_lines_after_blank_rows_quoted_newlines_and_a_bad_field(tmp_path):
    # each problem at the line its row starts on, a CSV error too (a blank line before it is not it)
    units = tmp_path / "units.lines.csv"
    units.write_text('id,name,kind,source\n\nu1,"two\nlines",nope,s\n\n\nu2,,unit,s\nu3,Tre,unit\n'
                     f'\nu4,{"x" * 140_000},unit,s\n', encoding="utf-8")
    problems = problems_of(units)
    assert [(p.where.line, p.field) for p in problems] == [(4, "kind"), (7, "name"), (8, "source"), (10, "")]
    assert problems[-1].message.startswith("CSV: a cell longer than 131,072 characters (text may have at most 10,000)")


def test_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("units:\n  - {id: u, name: Bj\xf8rn, kind: unit}\n".encode("latin-1"))
    [problem] = problems_of(bad)
    assert "not valid UTF-8" in problem.message


def test_same_dataset_name_twice(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.yaml").write_text("source: s\nservices: [{id: s-" + folder
                                                     + ", name: S}]\n", encoding="utf-8")
    problems = problems_of(tmp_path)
    assert any(p.field == "dataset" and "also in" in p.message for p in problems)


def test_a_unit_that_moves_back_is_no_cycle(tmp_path):
    # u1 is under u2 until 2010, and u2 under u1 from 2011: never both on one day.
    (tmp_path / "moves.yaml").write_text("""source: s
units:
  - {id: u1, name: En, kind: unit, part_of: {id: u2, valid_to: 2010-12-31}}
  - {id: u2, name: To, kind: unit, part_of: {id: u1, valid_from: 2011-01-01}}
""", encoding="utf-8")
    assert check([tmp_path]).parsed.nodes
    (tmp_path / "moves.yaml").write_text("""source: s
units:
  - {id: u1, name: En, kind: unit, part_of: {id: u2, valid_to: 2011-06-30}}
  - {id: u2, name: To, kind: unit, part_of: {id: u1, valid_from: 2011-01-01}}
""", encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert "reporting cycle from 2011-01-01" in problem.message


def test_merger_successor_must_exist_on_the_day(tmp_path):
    (tmp_path / "merger.yaml").write_text("""source: s
organisations:
  - {id: old, kind: municipality, name: Gamle, valid_to: 2019-12-31}
  - {id: new, kind: municipality, name: Nye, valid_from: 2020-01-02}
changes:
  - {id: m, kind: merger, date: 2020-01-01, predecessors: [old], successors: [new]}
""", encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert problem.where.line == 6 and "'new' did not exist on 2020-01-01" in problem.message


def test_valid_files_pass():
    checked = check([DATA / "valid"])
    assert {"fjordvik", "units.bulk"} == set(checked.datasets)
    assert len(checked.parsed.nodes) == 28


def test_fixing_the_file_makes_it_pass(tmp_path):
    """The same file, fixed at the reported lines only, validates: the messages point at the cause."""
    copy = tmp_path / "fixed.yaml"
    shutil.copy(DATA / "valid" / "fjordvik.yaml", copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace('kommunenummer: "1901"', "kommunenummer: 1901"), encoding="utf-8")
    [problem] = problems_of(copy)
    assert problem.field == "kommunenummer" and problem.where.line == 6


def test_a_required_field_given_as_null_is_missing(tmp_path):
    (tmp_path / "null.yaml").write_text("source: s\nunits:\n  - id: u\n    name:\n    kind: unit\n",
                                        encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert (problem.where.line, problem.field) == (3, "name") and "needs 'name'" in problem.message


def _live(rel, day):
    start, end = rel.props.get("valid_from"), rel.props.get("valid_to")
    return (start is None or start <= day) and (end is None or end >= day)


def _has_cycle(links, day) -> bool:
    """The plain answer: is there a cycle among the links live on `day`? (Colours, recursion.)"""
    graph = {}
    for rel in links:
        if _live(rel, day):
            graph.setdefault(rel.source, []).append(rel.target)
    colour = {}

    def visit(node) -> bool:
        colour[node] = 1
        for target in graph.get(node, ()):
            if colour.get(target) == 1 or (not colour.get(target) and visit(target)):
                return True
        colour[node] = 2
        return False
    return any(not colour.get(node) and visit(node) for node in list(graph))


def test_cycles_are_found_on_every_day_they_hold_and_only_then():
    """Random dated reporting graphs, with knots and without: a cycle is reported exactly when the
    links live on some day hold one, and each reported chain is a cycle of links live on the day it
    names, reported at one of them. (The search runs over the knots of all days' links only.)"""
    import datetime as dt
    import random

    from orggraph.loader.items import RelItem
    from orggraph.loader.problems import Location
    from orggraph.loader.validate import _cycles

    days = [dt.date(2010 + i, 1, 1) for i in range(6)]
    rng = random.Random(11)
    found_some = found_none = 0
    for case in range(400):
        nodes = [f"u{i}" for i in range(rng.randint(2, 9))]
        links = []
        for line in range(1, rng.randint(2, 14)):
            props = {"kind": rng.choice(["line", "line", "dotted"])}
            if rng.random() < 0.5:
                props["valid_from"] = rng.choice(days)
            if rng.random() < 0.5:
                props["valid_to"] = rng.choice(days) + dt.timedelta(days=rng.choice([-1, 0, 200]))
            links.append(RelItem(rng.choice(["PART_OF", "REPORTS_TO"]), rng.choice(nodes), rng.choice(nodes),
                                 props, Location("g.yaml", line), f"links[{line}]"))
        problems = []
        _cycles(links, problems.append)
        counted = [r for r in links if r.type == "PART_OF" or r.props["kind"] == "line"]
        candidates = {dt.date.min} | {r.props[k] + dt.timedelta(days=k == "valid_to")
                                      for r in counted for k in ("valid_from", "valid_to") if k in r.props}
        expected = any(_has_cycle(counted, day) for day in candidates)
        assert bool(problems) == expected, (case, links, problems)
        found_some += expected
        found_none += not expected
        for problem in problems:
            head, _, chain = problem.message.partition(": ")
            day = dt.date.fromisoformat(head.rpartition(" from ")[2]) if " from " in head else dt.date.min
            ids = chain.split(" → ")
            assert ids[0] == ids[-1]
            steps = [[r for r in counted if r.source == a and r.target == b and _live(r, day)]
                     for a, b in zip(ids, ids[1:])]
            assert all(steps), (case, problem, links)
            assert any(r.where == problem.where for step in steps for r in step)
    assert found_some > 50 and found_none > 50  # both kinds of graph were drawn
