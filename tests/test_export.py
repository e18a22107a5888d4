"""A backup is the loader's own format: export → load gives an identical graph, on both engines."""
from __future__ import annotations

import pytest
import yaml

from orggraph.loader.export import export
from orggraph.loader.load import load

from conftest import DATA, ROOT, make_engine, snapshot, wipe


@pytest.mark.parametrize("source", [DATA / "valid", ROOT / "data" / "seeds"], ids=["testdata", "seeds"])
def test_export_then_load_gives_the_same_graph(engine, tmp_path, source):
    load(engine, [source])
    before = snapshot(engine)
    written = export(engine, tmp_path / "backup")
    assert written and all(n > 0 for n in written.values())
    wipe(engine)
    assert snapshot(engine) == ([], [])
    load(engine, [tmp_path / "backup"])
    assert snapshot(engine) == before


def test_export_as_of_a_date_keeps_only_what_held(engine, tmp_path):
    load(engine, [DATA / "valid"])
    export(engine, tmp_path / "2019", __import__("datetime").date(2019, 6, 1))
    doc = yaml.safe_load((tmp_path / "2019" / "fjordvik.yaml").read_text(encoding="utf-8"))
    names = {o["name"] for o in doc["organisations"]}
    assert names == {"Nordøy", "Sørå", "Fellesnemnda for Fjordvik"}
    assert all(r["to"] != "fjordvik" and r["from"] != "fjordvik" for r in doc["relationships"])
    (tmp_path / "other").mkdir()
    other = make_engine("embedded", tmp_path / "other")
    try:
        load(other, [tmp_path / "2019"])  # what held on one day is itself valid input
        assert [r["name"] for r in other.query("municipalities", as_of="2019-06-01")] == ["Nordøy", "Sørå"]
    finally:
        other.close()


def test_export_refuses_a_folder_it_would_not_load_back_from(engine, tmp_path):
    """A folder that holds other loader files would load them too; a file is not a folder. Nothing
    is written either way. A second export into its own folder overwrites it."""
    from orggraph.errors import UsageError
    load(engine, [DATA / "valid"])
    folder = tmp_path / "backup"
    first = export(engine, folder)
    assert export(engine, folder) == first
    (folder / "notes").mkdir()
    (folder / "notes" / "old.yaml").write_text("dataset: old\n", encoding="utf-8")
    (folder / "fjordvik.yaml").unlink()
    with pytest.raises(UsageError, match=r"already holds other loader files \(notes/old.yaml\)"):
        export(engine, folder)
    assert not (folder / "fjordvik.yaml").exists()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        export(engine, tmp_path / "a-file")


def test_a_decision_starts_on_its_date_and_the_export_says_so_once(engine, tmp_path):
    """The loader gives a decision without a period its date as start; the export leaves that start
    out again (loading derives it), but keeps one stated apart from the date."""
    load(engine, [DATA / "valid"])
    day = __import__("datetime").date
    assert engine.read("MATCH (d:Decision {id: 'vedtak-nord'}) RETURN d.valid_from AS v") == [
        {"v": day(2014, 6, 19)}]

    def exported() -> dict:
        export(engine, tmp_path / "backup")
        doc = yaml.safe_load((tmp_path / "backup" / "fjordvik.yaml").read_text(encoding="utf-8"))
        return next(d for d in doc["decisions"] if d["id"] == "vedtak-nord")
    assert "valid_from" not in exported() and exported()["date"] == day(2014, 6, 19)
    engine.write(lambda tx: tx.run("MATCH (d:Decision {id: $id}) SET d.valid_from = $day",
                                   {"id": "vedtak-nord", "day": day(2014, 1, 1)}))
    assert exported()["valid_from"] == day(2014, 1, 1)


AWKWARD = ["a/b", "a_b", ".hidden", "x" * 300, "A", "a", "æøå"]


def test_every_dataset_gets_its_own_file_that_loads_back(engine, tmp_path):
    """Dataset names that are no file name as they are (a slash, a leading dot, over 255 bytes, a
    name differing from another only in case) still get a file each, one a folder's load reads,
    and the file keeps the name in `dataset:`."""
    for number, name in enumerate(AWKWARD):
        (tmp_path / "in").mkdir(exist_ok=True)
        path = tmp_path / "in" / f"f{number}.yaml"
        path.write_text(yaml.safe_dump({"dataset": name, "source": "s", "units": [
            {"id": f"u{number}", "name": f"U{number}", "kind": "unit"}]}), encoding="utf-8")
    load(engine, [tmp_path / "in"])
    before = snapshot(engine)
    written = export(engine, tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == len(AWKWARD) and files == sorted(written)
    assert all(not f.startswith(".") and len(f.encode()) <= 255 for f in files)
    assert len({f.lower() for f in files}) == len(files)
    wipe(engine)
    load(engine, [tmp_path / "out"])
    assert snapshot(engine) == before


def test_exported_files_follow_the_umask_and_a_failure_leaves_nothing_behind(engine, tmp_path):
    import os
    from orggraph.errors import OrggraphError
    load(engine, [DATA / "valid"])
    old = os.umask(0o022)
    try:
        export(engine, tmp_path / "out")
    finally:
        os.umask(old)
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()} == {0o644}
    (tmp_path / "out" / "fjordvik.yaml").unlink()
    (tmp_path / "out" / "fjordvik.yaml").mkdir()  # the file cannot replace it
    with pytest.raises(OrggraphError, match=r"cannot write .*fjordvik\.yaml"):
        export(engine, tmp_path / "out")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
