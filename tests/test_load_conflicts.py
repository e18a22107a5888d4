"""A load against what other datasets hold: their ids and relationships are theirs, the nodes a
reload drops are gone for the files' references, and what a load removes is named beforehand."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orggraph.loader.load import check, load
from orggraph.loader.problems import ValidationFailed

from conftest import ENGINES, ROOT, make_engine, neo4j_settings, snapshot

SEEDS = ROOT / "data" / "seeds"
ISK = "000_innherred_samkommune"
HIJACK = "dataset: zz_dup\nsource: t\norganisations: [{id: levanger, name: Hijack, kind: municipality}]\n"
RESTATED = ("dataset: zz_rel\nsource: t\n"
            "relationships: [{type: MEMBER_OF, from: levanger, to: isk, role: x}]\n")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def without(entry_id: str, folder: Path) -> Path:
    """A copy of the ISK seed without one organisation entry (its links elsewhere kept)."""
    text = (SEEDS / f"{ISK}.yaml").read_text(encoding="utf-8")
    text, n = re.subn(rf"  - id: {re.escape(entry_id)}\n(?:    .*\n)+?(?=  - id: )", "", text)
    assert n == 1
    return write(folder / f"{ISK}.yaml", text)


def problems(paths: list[Path], engine) -> list:
    with pytest.raises(ValidationFailed) as failed:
        check(paths, engine)
    return failed.value.problems


def refused(paths: list[Path], engine) -> list:
    """The problems a load reports, the same as `validate --against-db`'s, and nothing written."""
    before = snapshot(engine)
    found = problems(paths, engine)
    with pytest.raises(ValidationFailed) as failed:
        load(engine, paths)
    assert failed.value.problems == found and failed.value.exit_code == 2
    assert snapshot(engine) == before
    return found


def test_a_file_cannot_take_over_another_datasets_node(engine, tmp_path):
    load(engine, [SEEDS])
    (problem,) = refused([write(tmp_path / "zz.yaml", HIJACK)], engine)
    assert (problem.where.file.endswith("zz.yaml"), problem.where.line, problem.field) == (True, 3, "id")
    assert problem.message.startswith(f"duplicate id 'levanger': dataset '{ISK}' has it; ")
    # moved with that dataset's files in the same load: the new files decide
    load(engine, [tmp_path / "zz.yaml", without("levanger", tmp_path / "isk")])
    node = engine.query("node", id="levanger")[0]["node"]
    assert (node["dataset"], node["name"]) == ("zz_dup", "Hijack")


def test_a_reload_states_again_what_the_api_changed(engine, tmp_path):
    """docs/API.md, "API writes and reloads": a node the API updated is its file's again, and a
    relationship the API ended is replaced by the file's, not kept beside it (then the graph would
    hold it twice, and its export would not load back)."""
    import datetime as dt
    from orggraph.api import writes
    from orggraph.loader.export import export
    load(engine, [SEEDS])
    before = snapshot(engine)
    engine.write(lambda tx: writes.update_node(engine, "Organisation", "levanger",
                                               {"name": "Levanger (API)", "source": "api"}, tx))
    engine.write(lambda tx: writes.end_rel(engine, "MEMBER_OF", "levanger", "isk", None,
                                           dt.date(2010, 1, 1), "api", tx))
    assert snapshot(engine) != before
    load(engine, [SEEDS])
    assert snapshot(engine) == before
    export(engine, tmp_path / "backup")
    other = make_engine("embedded", tmp_path / "other")
    try:
        load(other, [tmp_path / "backup"])  # no relationship stated twice
        assert len(other.read("MATCH (:Organisation {id: 'levanger'})-[r:MEMBER_OF]->(:Organisation {id: 'isk'}) "
                              "RETURN r.valid_to AS valid_to")) == 1
    finally:
        other.close()


@pytest.mark.parametrize("targeted_max", [2000, 0], ids=["by-id", "by-scan"])
def test_a_relationship_another_dataset_states_is_refused(engine, tmp_path, monkeypatch, targeted_max):
    """Stated by two datasets, it would be in the graph twice, and an export would not load back."""
    monkeypatch.setattr("orggraph.loader.stored.TARGETED_MAX", targeted_max)
    load(engine, [SEEDS])
    path = write(tmp_path / "rel.yaml", RESTATED)
    (problem,) = refused([path], engine)
    assert (problem.where.line, problem.field) == (3, "relationships[0]")
    assert problem.message.startswith(f"MEMBER_OF levanger → isk is stated twice (also in the database, "
                                      f"dataset '{ISK}')")
    # another start is another relationship
    write(path, RESTATED.replace("role: x}", "role: x, valid_from: 2005-01-01}"))
    load(engine, [path])


def test_references_to_ids_a_reload_drops_are_problems_with_their_lines(engine, tmp_path):
    """The graph still holds a node the reloaded dataset no longer lists, but the load removes it:
    each reference to it is a problem at its line, all at once, before anything is written."""
    load(engine, [SEEDS])
    path = without("levanger-5037", tmp_path / "a")
    found = refused([path], engine)
    line = path.read_text(encoding="utf-8").splitlines().index("    successors: levanger-5037") + 1
    assert [(p.where.line, p.field) for p in found] == [(line, "successors")]
    assert found[0].message.startswith(f"'levanger-5037' is no longer listed in dataset '{ISK}', but the "
                                       "dataset still links it to 'levanger-omnummerering-2018' (HAS_SUCCESSOR)")
    found = refused([without("levanger", tmp_path / "b")], engine)
    own = [p for p in found if "but the dataset still links it" in p.message]
    assert len(own) == 12 and all(p.where.line and p.field for p in own)
    (others,) = [p for p in found if p not in own]  # the write would refuse these: said beforehand
    assert "but dataset '001_flv_mulighetsstudie' still links it 53 times" in others.message
    assert others.where.file.endswith(f"{ISK}.yaml") and others.field == "id"


@pytest.mark.parametrize("scan_above", [20_000, 0], ids=["by-id", "whole-graph"])
def test_what_a_load_removes_is_named_before_and_after(engine, tmp_path, monkeypatch, scan_above):
    """Only the reloaded dataset's own nodes, whether the graph is asked by id or read whole."""
    monkeypatch.setattr("orggraph.loader.load.SCAN_ABOVE", scan_above)
    path = write(tmp_path / "a.yaml", "source: s\nunits: [{id: a1, name: A1, kind: unit}, "
                                      "{id: a2, name: A2, kind: unit}, {id: a3, name: A3, kind: unit}]\n")
    load(engine, [path, write(tmp_path / "b.yaml", "source: s\nunits: [{id: b1, name: B1, kind: unit}]\n")])
    write(path, "source: s\nunits: [{id: a1, name: A1, kind: unit}]\n")
    assert check([path], engine).leaving == ["a2", "a3"]
    report = load(engine, [path])
    assert (report.removed_nodes, report.removed) == (2, ["a2", "a3"])
    assert check([path], engine).leaving == []


@pytest.fixture(params=ENGINES)
def cli_env(request, tmp_path) -> dict:
    """The environment for `orggraph` in another process, on an empty database of each engine."""
    env = {**os.environ}
    if request.param == "neo4j":
        make_engine("neo4j", tmp_path).close()  # wiped
        settings = neo4j_settings()
        env.update(ORGGRAPH_ENGINE="neo4j", NEO4J_URI=settings.neo4j_uri, NEO4J_USER=settings.neo4j_user,
                   NEO4J_PASSWORD=settings.neo4j_password, NEO4J_DATABASE=settings.neo4j_database)
    else:
        env.pop("ORGGRAPH_ENGINE", None)
        env["ORGGRAPH_DB"] = str(tmp_path / "graph.lbdb")
    return env


def test_the_commands_say_what_is_refused_and_what_goes(cli_env, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "orggraph", *args], capture_output=True, text=True,
                              env=cli_env, cwd=tmp_path, timeout=120)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert run("load", "seeds").returncode == 0
    write(tmp_path / "zz.yaml", HIJACK)
    for command in ("validate --against-db", "load"):
        result = run(*command.split(), "zz.yaml")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"zz.yaml:3 [id]: duplicate id 'levanger': dataset '{ISK}' has it" in result.stderr
    (tmp_path / "seeds" / "002_nye_sandefjord.yaml").write_text("dataset: 002_nye_sandefjord\nsource: s\n", encoding="utf-8")
    result = run("validate", "--against-db", "seeds")
    assert result.returncode == 0, result.stderr
    assert re.search(r"a load would remove \d+ nodes no longer listed: andebu, [-a-z0-9, ]+ and \d+ more",
                     result.stdout)
    result = run("load", "seeds")
    assert re.search(r"removed \d+ nodes no longer listed: andebu, ", result.stdout), result.stdout


# --- a kommunenummer names one municipality at a time ---------------------------------------------

def municipality(node_id: str, number: str, period: str = "") -> str:
    return (f"  - {{id: {node_id}, name: {node_id.title()}, kind: municipality, "
            f"kommunenummer: \"{number}\"{period}}}\n")


def test_a_kommunenummer_is_held_by_one_municipality_at_a_time_across_files(tmp_path):
    """Within the files: a number passing on after a merger is fine, an overlap is not, and the
    problem names the other holder and where it is."""
    head = "dataset: {}\nsource: t\norganisations:\n"
    write(tmp_path / "a.yaml", head.format("a") + municipality("gamle", "0706", ", valid_to: 2016-12-31")
          + municipality("etter", "0706", ", valid_from: 2017-01-01"))
    assert check([tmp_path / "a.yaml"]).parsed.nodes  # back to back: no problem
    write(tmp_path / "b.yaml", head.format("b") + municipality("ny", "0706", ", valid_from: 2016-12-31")
          + municipality("annen", "0707"))
    (problem,) = problems([tmp_path / "a.yaml", tmp_path / "b.yaml"], None)
    assert (Path(problem.where.file).name, problem.where.line, problem.field) == ("b.yaml", 4, "kommunenummer")
    assert problem.message.startswith("kommunenummer '0706' is also held by 'gamle' (at ")
    assert "a.yaml:4, valid … – 2016-12-31) in an overlapping period" in problem.message


def test_a_kommunenummer_another_dataset_holds_then_is_refused(engine, tmp_path):
    """Against the graph: old Sandefjord held 0706 until 2016-12-31 (seed 002)."""
    load(engine, [SEEDS])
    head = "dataset: zz_nr\nsource: t\norganisations:\n"
    clash = write(tmp_path / "zz.yaml", head + municipality("ny", "0706", ", valid_from: 2016-06-01"))
    (problem,) = refused([clash], engine)
    assert (problem.where.line, problem.field) == (4, "kommunenummer")
    assert problem.message.startswith("kommunenummer '0706' is also held by 'sandefjord-0706' (in the "
                                      "database, dataset '002_nye_sandefjord', valid … – 2016-12-31)")
    # from the day after it ended, the number is free; and a reload of the seeds is not refused by
    # numbers its own nodes hold
    load(engine, [write(tmp_path / "zz.yaml", head + municipality("ny", "0706", ", valid_from: 2017-01-01"))])
    assert engine.query("node", id="ny")[0]["node"]["kommunenummer"] == "0706"
    load(engine, [SEEDS])
    # a dataset that gives its number up in the same load frees it for another
    load(engine, [write(tmp_path / "zz.yaml", head + municipality("ny", "0707")),
                  write(tmp_path / "zy.yaml", "dataset: zy\nsource: t\norganisations:\n"
                        + municipality("nyere", "0706", ", valid_from: 2018-01-01"))])
    assert engine.query("node", id="nyere")[0]["node"]["kommunenummer"] == "0706"
